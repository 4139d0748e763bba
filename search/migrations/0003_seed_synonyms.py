"""The name variants that the field's evaluations say search must treat as the same
(domain brief, "Names search must treat as the same"). Editors change them in the admin."""

from django.db import migrations

SEEDS = [
    ("Phnom Penh\nPhnum Penh", "Gazetteer romanisation"),
    ("Poipet\nPoi Pet\nPaoy Paet\nPoipet City", "Border town: spellings in use"),
    ("Kampong\nKompong\nKg", "Kampong Cham = Kompong Cham"),
    ("Kampong Cham\nKompong Cham\nKPC", ""),
    ("Banteay Meanchey\nBanteay Meachey\nBanteay Meanchy\nBantaey Meanchey", ""),
    ("Battambang\nBaat Dambang\nBat Dambang", "Gazetteer romanisation"),
    ("Siem Reap\nSiemreab\nSiem Riep", "Gazetteer romanisation"),
    ("Koh Kong\nKaoh Kong", "Gazetteer romanisation"),
    ("Pursat\nPousat", "Gazetteer romanisation"),
    ("Takeo\nTakaev", "Gazetteer romanisation"),
    ("Kratie\nKracheh", "Gazetteer romanisation"),
    ("Tbong Khmum\nTboung Khmum", ""),
    ("O'Chrov\nO' Chrov\nOu Chrov", ""),
    ("Viet Nam\nVietnam\nSRV", ""),
    ("Lao PDR\nLaos", ""),
    ("Myanmar\nBurma", ""),
    ("An Giang\nAnh Giang", ""),
    ("Kien Giang\nKien Yang", ""),
    ("Binh Phuoc\nBinh Phoeuk", ""),
    ("Dong Thap\nDong Tap", ""),
    ("MoSVY\nMOSAVY\nMOSALVY\nMOSLAVY", "Former name MOSALVY, misspelt MOSLAVY"),
    ("MoWA\nMWVA", "Former name MWVA"),
    ("MoLVT\nMoVT\nMoVLT", ""),
    ("MoFAIC\nMoFA\nMoAFIC", ""),
    ("NCSTSLS\nNTF\nHLWG\nLeading Task Force\nNational Committee", "Former names of the National Committee"),
    ("PCU\nProvincial Task Force\nPTF", ""),
    ("MRC\nMigrant Resource Centre\nMigration Resource Centre\nRMC", ""),
    ("DSDW\nDSWD\nDPW", "Thailand; DPW is the former name"),
    ("UNIAP\nUN-IAP", ""),
    ("Chab Dai\nChab Dia", ""),
    ("ERIKS\nERICK", ""),
    ("Kredtrakarn\nKredtrakam", ""),
    ("Phetchabun\nPetchabun", ""),
    ("labour\nlabor", "British and American spelling"),
    ("centre\ncenter", "British and American spelling"),
    ("counselling\ncounseling", "British and American spelling"),
    ("programme\nprogram", "British and American spelling"),
    ("victim of trafficking\nVoT\nsurvivor\ntrafficked person", ""),
    ("recruitment agency\nPRA\nprivate recruitment agency", ""),
    ("Prakas\nproclamation\nministerial regulation", ""),
]


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    for variants, note in SEEDS:
        SynonymGroup.objects.get_or_create(variants=variants, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
