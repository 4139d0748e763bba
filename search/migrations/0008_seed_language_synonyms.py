"""Names people type that records spell another way: abbreviations, joined and split words,
exonyms of the gazetteer's foreign names, Khmer variant spellings, and Khmer–English pairs of
the service taxonomy's labels.

Each group is seeded once, under a `seed_key`: it is added only when no group has that key and
no group already lists the same spellings, so an editor's change or deactivation sticks when
migrations run again. The groups of 0003 are marked as seeded too. Variants longer than four
words are not used by the query planner, so full names are given in their four-word form.
Only true equivalents: embassy and consulate, or interpretation and translation, stay apart.
"""

import importlib

from django.db import migrations

SEEDS = [
    # Abbreviations and document names (library)
    ("mou", "MOU\nmemorandum of understanding\nmemoranda of understanding\nអនុស្សរណៈនៃការយោគយល់គ្នា", ""),
    ("sop", "SOP\nstandard operating procedure", "Plural SOPs by stemming"),
    ("gbv", "GBV\ngender-based violence\nហិង្សាផ្អែកលើយេនឌ័រ", ""),
    (
        "untoc",
        "UNTOC\nTransnational Organized Crime\nTransnational Organised Crime\nPalermo Convention",
        "UN Convention against Transnational Organized Crime (the full name is too long to match)",
    ),
    (
        "palermo-protocol",
        "Palermo Protocol\nTrafficking in Persons Protocol\nTIP Protocol\nTrafficking Protocol",
        "Protocol to Prevent, Suppress and Punish Trafficking in Persons",
    ),
    ("sub-decree", "Sub-Decree\nsubdecree\nanukret\nអនុក្រឹត្យ", "Joined and split; anukret is the Khmer word"),
    ("prakas-km", "Prakas\nប្រកាស", "Ministerial regulation"),
    ("anti-trafficking", "anti-trafficking\nantitrafficking\ncounter-trafficking\ncountertrafficking", ""),
    ("chab-dai", "Chab Dai\nChabdai", "Joined spelling"),
    ("hotline", "hotline\nhelpline\nhot line\nhelp line\nខ្សែទូរស័ព្ទជំនួយ", ""),
    ("ngo", "NGO\nnon-governmental organization\nnon-governmental organisation\nអង្គការមិនមែនរដ្ឋាភិបាល", ""),
    ("mdt", "MDT\nmulti-disciplinary team\nmultidisciplinary team", ""),
    ("iom", "IOM\nInternational Organization for Migration", ""),
    ("ilo", "ILO\nInternational Labour Organization\nInternational Labor Organization", ""),
    ("tip", "trafficking in persons\nhuman trafficking", ""),
    # Ministries and bodies (full names in their four-word form; demo data acronyms)
    (
        "mosvy",
        "MoSVY\nMinistry of Social Affairs\nក្រសួងសង្គមកិច្ច",
        "Ministry of Social Affairs, Veterans and Youth Rehabilitation",
    ),
    ("mowa", "MoWA\nMinistry of Women's Affairs\nក្រសួងកិច្ចការនារី", ""),
    ("moi", "MoI\nMinistry of Interior\nក្រសួងមហាផ្ទៃ", ""),
    (
        "mofaic",
        "MoFAIC\nMinistry of Foreign Affairs\nក្រសួងការបរទេស",
        "Ministry of Foreign Affairs and International Cooperation",
    ),
    (
        "molvt",
        "MoLVT\nLabour and Vocational Training\nក្រសួងការងារ",
        "Ministry of Labour and Vocational Training",
    ),
    ("moj", "MoJ\nMinistry of Justice\nក្រសួងយុត្តិធម៌", ""),
    ("moh", "MoH\nMinistry of Health\nក្រសួងសុខាភិបាល", ""),
    ("ncct", "NCCT\nNCSTSLS", "Two acronyms of the National Committee for Counter Trafficking"),
    # Cities and provinces: common names, abbreviations and exonyms of the gazetteer's names
    ("phnom-penh", "Phnom Penh\nPP\nភ្នំពេញ", ""),
    ("kuala-lumpur", "Kuala Lumpur\nKL\nកូឡាឡាំពួ", "Gazetteer: Wilayah Persekutuan Kuala Lumpur"),
    (
        "ho-chi-minh",
        "Ho Chi Minh City\nHCMC\nHo Chi Minh\nSaigon\nSai Gon\nTPHCM\nហូជីមិញ",
        "Gazetteer: Hồ Chí Minh",
    ),
    ("hanoi", "Hanoi\nHa Noi\nហាណូយ", "Gazetteer: Hà Nội"),
    ("da-nang", "Da Nang\nDanang", ""),
    ("vientiane", "Vientiane\nViangchan\nVientiane Capital\nວຽງຈັນ\nវៀងចន្ទន៍", "Gazetteer: Viangchan"),
    (
        "bangkok",
        "Bangkok\nKrung Thep\nKrung Thep Maha Nakhon\nกรุงเทพ\nกรุงเทพฯ\nกรุงเทพมหานคร\nបាងកក",
        "Gazetteer: Krung Thep Maha Nakhon",
    ),
    ("chiang-mai", "Chiang Mai\nเชียงใหม่", ""),
    ("chiang-rai", "Chiang Rai\nเชียงราย", ""),
    ("phetchabun-th", "Phetchabun\nเพชรบูรณ์", ""),
    ("sa-kaeo", "Sa Kaeo\nSakaeo\nสระแก้ว", "Thai province across from Poipet"),
    ("aranyaprathet", "Aranyaprathet\nอรัญประเทศ", ""),
    ("mae-sot", "Mae Sot\nแม่สอด", ""),
    ("trat", "Trat\nตราด", ""),
    ("pattaya", "Pattaya\nPhatthaya", "Gazetteer: Phatthaya"),
    ("phang-nga", "Phang Nga\nPhangnga", ""),
    ("chonburi", "Chonburi\nChon Buri", ""),
    ("buriram", "Buriram\nBuri Ram", ""),
    ("sisaket", "Sisaket\nSi Sa Ket", ""),
    ("lopburi", "Lopburi\nLop Buri", ""),
    ("korat", "Korat\nNakhon Ratchasima", ""),
    ("luang-prabang", "Luang Prabang\nLouangphabang\nຫຼວງພະບາງ", "Gazetteer: Louangphabang"),
    ("savannakhet", "Savannakhet\nສະຫວັນນະເຂດ", ""),
    ("champasak", "Champasak\nChampassak\nຈຳປາສັກ", ""),
    ("bokeo", "Bokeo\nບໍ່ແກ້ວ", ""),
    ("luang-namtha", "Luang Namtha\nLouang Namtha", ""),
    ("oudomxay", "Oudomxay\nOudomxai", ""),
    ("phongsaly", "Phongsaly\nPhongsali", ""),
    ("xieng-khouang", "Xieng Khouang\nXiangkhouang", ""),
    ("sayaboury", "Sayaboury\nXaignabouli\nSainyabuli", ""),
    ("attapeu", "Attapeu\nAttapu", ""),
    ("sekong", "Sekong\nXekong", ""),
    ("bolikhamsai", "Bolikhamsai\nBolikhamxai", ""),
    ("khammouane", "Khammouane\nKhammouan", ""),
    ("houaphanh", "Houaphanh\nHouaphan", ""),
    ("yangon", "Yangon\nRangoon", ""),
    ("naypyidaw", "Naypyidaw\nNay Pyi Taw", ""),
    ("ayeyarwady", "Ayeyarwady\nIrrawaddy", ""),
    ("tanintharyi", "Tanintharyi\nTenasserim", ""),
    ("kayin", "Kayin\nKaren State", ""),
    ("rakhine", "Rakhine\nArakan", ""),
    ("penang", "Penang\nPulau Pinang", ""),
    ("malacca", "Malacca\nMelaka", ""),
    ("riyadh", "Riyadh\nAr Riyad", ""),
    ("mecca", "Mecca\nMakkah", ""),
    ("doha", "Doha\nAd Dawhah", ""),
    ("java", "Java\nJawa", ""),
    ("sumatra", "Sumatra\nSumatera", ""),
    ("manila", "Metro Manila\nNational Capital Region\nNCR", ""),
    ("cambodia", "Cambodia\nKampuchea\nកម្ពុជា", ""),
    # Khmer variant spellings (older spelling with nikahit, current with subscript mo)
    ("km-shelter", "ជម្រក\nជំរក\nshelter", "Variant spellings, and the taxonomy's English label"),
    ("km-need", "តម្រូវការ\nតំរូវការ", "Variant spellings"),
    ("km-level", "កម្រិត\nកំរិត", "Variant spellings"),
    ("km-decide", "សម្រេច\nសំរេច", "Variant spellings"),
    ("km-progress", "ចម្រើន\nចំរើន", "Variant spellings"),
    ("km-choice", "ជម្រើស\nជំរើស", "Variant spellings"),
    # Khmer–English pairs of the service taxonomy (directory/reference/taxonomy.csv labels).
    # Only the taxonomy's own labels: broad words beyond them (law, child, women, victim) made
    # a Khmer query rank English documents above the Khmer entries it names (bench/relevance.py).
    ("tx-exploitation", "exploitation\nកេងប្រវ័ញ្ច", ""),
    ("tx-identification", "identification\nកំណត់អត្តសញ្ញាណ", ""),
    ("tx-repatriation", "repatriation\nមាតុភូមិនិវត្តន៍", ""),
    ("tx-return", "return\nវិលត្រឡប់", ""),
    ("tx-emergency-shelter", "emergency shelter\nជម្រកបន្ទាន់", ""),
    ("tx-short-term", "short-term\nរយៈពេលខ្លី", ""),
    ("tx-long-term", "long-term\nរយៈពេលវែង", ""),
    ("tx-medical", "medical\nវេជ្ជសាស្ត្រ", ""),
    ("tx-health", "health\nសុខភាព", ""),
    ("tx-psychosocial", "psychosocial\nផ្លូវចិត្តសង្គម", ""),
    ("tx-legal-aid", "legal aid\nជំនួយផ្លូវច្បាប់", ""),
    ("tx-legal-advice", "legal advice\nប្រឹក្សាផ្លូវច្បាប់", ""),
    ("tx-justice", "justice\nយុត្តិធម៌", ""),
    ("tx-family-tracing", "family tracing\nស្វែងរកគ្រួសារ", ""),
    ("tx-assessment", "assessment\nវាយតម្លៃ", ""),
    ("tx-reintegration", "reintegration\nសមាហរណកម្ម", ""),
    ("tx-case-management", "case management\nគ្រប់គ្រងករណី", ""),
    ("tx-livelihood", "livelihood\nជីវភាព", ""),
    ("tx-vocational-training", "vocational training\nបណ្តុះបណ្តាលវិជ្ជាជីវៈ", ""),
    ("tx-life-skills", "life skills\nជំនាញជីវិត", ""),
    ("tx-education", "education\nអប់រំ", ""),
    ("tx-childcare", "childcare\nchild care\nថែទាំកុមារ", ""),
    ("tx-financial-support", "financial support\nជំនួយហិរញ្ញវត្ថុ", ""),
    ("tx-migration", "migration\nចំណាកស្រុក", ""),
    ("tx-safe-migration", "safe migration\nចំណាកស្រុកដោយសុវត្ថិភាព", ""),
    ("tx-prevention", "prevention\nបង្ការ", ""),
    ("tx-complaint", "complaint\nបណ្តឹង", ""),
    ("tx-licence", "licence\nlicense\nអាជ្ញាប័ណ្ណ", ""),
    ("tx-recruitment-agency", "recruitment agency\nភ្នាក់ងារជ្រើសរើសពលករ", ""),
    ("tx-consular", "consular\nកុងស៊ុល", ""),
    ("tx-interpretation", "interpretation\nបកប្រែ", ""),
    ("tx-coordination", "coordination\nសម្របសម្រួល", ""),
    ("tx-network", "network\nបណ្តាញ", ""),
    ("tx-capacity-building", "capacity building\nកសាងសមត្ថភាព", ""),
    ("tx-research", "research\nស្រាវជ្រាវ", ""),
]


def _spellings(variants):
    return frozenset(
        " ".join(v.split()).casefold() for v in variants.replace(",", "\n").splitlines() if v.strip()
    )


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    # The groups seeded by 0003 (where still as seeded) are marked too.
    earlier = importlib.import_module("search.migrations.0003_seed_synonyms").SEEDS
    for variants, _note in earlier:
        key = "0003:" + variants.splitlines()[0].casefold()
        SynonymGroup.objects.filter(variants=variants, seed_key="").update(seed_key=key)
    existing_keys = set(SynonymGroup.objects.exclude(seed_key="").values_list("seed_key", flat=True))
    existing_sets = {_spellings(v) for v in SynonymGroup.objects.values_list("variants", flat=True)}
    for key, variants, note in SEEDS:
        if key in existing_keys or _spellings(variants) in existing_sets:
            continue
        SynonymGroup.objects.create(variants=variants, note=note, seed_key=key, active=True)


def unseed(apps, schema_editor):
    """Removes the groups this migration added, unless an editor has changed their spellings."""
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    for key, variants, _note in SEEDS:
        SynonymGroup.objects.filter(seed_key=key, variants=variants).delete()
    SynonymGroup.objects.filter(seed_key__startswith="0003:").update(seed_key="")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_subword_field")]
    operations = [migrations.RunPython(seed, unseed)]
