"""Khmer, Thai, Lao and Vietnamese translations of the demo organizations and services.

DRAFTS FOR NATIVE REVIEW: written by the project, not by native speakers (see README.md here).

Every demo organization gets a Khmer translation (Wagtail i18n copy in the `km` locale: the
same entry, one row per language), and so does each of its services; the Thai, Lao and
Vietnamese partners (organizations filed under Thailand, Laos and Viet Nam, and Viet Nam's
embassy) get one in their language. Names come from `translations.json` and
`content_translations.json`; descriptions are composed from what the record states (its type,
place and service types), never from the English role summary, so they claim nothing the
sources do not. A translation that exists already is left as it is: an editor's or reviewer's
change sticks when the demo is loaded again.
"""

import json
from functools import cache
from pathlib import Path

from wagtail.models import Locale

from ..models import Organization, Service
from .translations import FILE as NAMES_FILE

FILE = Path(__file__).resolve().parent / "content_translations.json"

# Partners whose own language gets a translation (besides Khmer for everyone).
PARTNER_LANGUAGE = {"TH": "th", "LA": "lo", "VN": "vi"}
EXTRA_PARTNERS = {"embassy-of-viet-nam-in-phnom-penh": "vi"}

ORG_TYPES = {
    "km": {
        "national_ngo": "អង្គការមិនមែនរដ្ឋាភិបាលជាតិ",
        "international_ngo": "អង្គការមិនមែនរដ្ឋាភិបាលអន្តរជាតិ",
        "ngo_network": "បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាល",
        "coordination_body": "ស្ថាប័នសម្របសម្រួល",
        "subnational_government": "រដ្ឋបាលថ្នាក់ក្រោមជាតិ",
        "service_centre": "មជ្ឈមណ្ឌលផ្តល់សេវា",
        "government_department": "នាយកដ្ឋានរដ្ឋាភិបាល",
        "ministry": "ក្រសួង",
        "un_agency": "ទីភ្នាក់ងារអង្គការសហប្រជាជាតិ",
        "donor": "ម្ចាស់ជំនួយ",
        "diplomatic_mission": "បេសកកម្មការទូត",
        "programme": "កម្មវិធី",
        "regional_body": "ស្ថាប័នថ្នាក់តំបន់",
        "law_enforcement": "អង្គភាពអនុវត្តច្បាប់",
        "industry_association": "សមាគមវិស័យឯកជន",
        "mass_organization": "អង្គការមហាជន",
        "professional_body": "ស្ថាប័នវិជ្ជាជីវៈ",
    },
    "th": {
        "national_ngo": "องค์กรพัฒนาเอกชนไทย",
        "international_ngo": "องค์กรพัฒนาเอกชนระหว่างประเทศ",
        "ngo_network": "เครือข่ายองค์กรพัฒนาเอกชน",
        "coordination_body": "หน่วยงานประสานงาน",
        "subnational_government": "หน่วยงานปกครองส่วนท้องถิ่น",
        "service_centre": "ศูนย์ให้บริการ",
        "government_department": "หน่วยงานราชการ",
        "ministry": "กระทรวง",
        "un_agency": "หน่วยงานของสหประชาชาติ",
        "donor": "แหล่งทุน",
        "diplomatic_mission": "คณะผู้แทนทางการทูต",
        "programme": "โครงการ",
        "regional_body": "องค์กรระดับภูมิภาค",
        "law_enforcement": "หน่วยงานบังคับใช้กฎหมาย",
        "industry_association": "สมาคมภาคธุรกิจ",
        "mass_organization": "องค์กรมวลชน",
        "professional_body": "องค์กรวิชาชีพ",
    },
    "lo": {
        "international_ngo": "ອົງການຈັດຕັ້ງສາກົນທີ່ບໍ່ແມ່ນລັດຖະບານ",
        "ministry": "ກະຊວງ",
        "un_agency": "ອົງການຂອງສະຫະປະຊາຊາດ",
        "mass_organization": "ອົງການຈັດຕັ້ງມະຫາຊົນ",
    },
    "vi": {
        "un_agency": "cơ quan của Liên Hợp Quốc",
        "regional_body": "diễn đàn khu vực",
        "mass_organization": "tổ chức chính trị - xã hội",
        "subnational_government": "cơ quan chính quyền địa phương",
        "ministry": "bộ",
        "service_centre": "cơ sở cung cấp dịch vụ",
        "diplomatic_mission": "cơ quan đại diện ngoại giao",
    },
}

# Service types (top level of directory/reference/taxonomy.csv); Khmer comes from the taxonomy.
SERVICE_TYPES = {
    "th": {
        "HELP": "สายด่วนและสายช่วยเหลือ",
        "IDENT": "การคัดแยกและการระบุตัวผู้เสียหาย",
        "RETURN": "การส่งกลับและการคืนถิ่น",
        "RECEPT": "การรับตัวและการพักชั่วคราว",
        "SHELTER": "บ้านพักและที่พักพิง",
        "MED": "การแพทย์และสุขภาพ",
        "PSY": "การดูแลด้านจิตสังคมและการให้คำปรึกษา",
        "LEGAL": "ความช่วยเหลือทางกฎหมายและกระบวนการยุติธรรม",
        "FAMILY": "การติดตามและประเมินครอบครัว",
        "REINT": "การคืนสู่สังคมและการจัดการรายกรณี",
        "LIVE": "การประกอบอาชีพและการเสริมพลังทางเศรษฐกิจ",
        "VOC": "การฝึกอาชีพและทักษะชีวิต",
        "EDU": "การศึกษาและการดูแลเด็ก",
        "FIN": "ความช่วยเหลือด้านการเงินและสิ่งของ",
        "MIGR": "การย้ายถิ่นอย่างปลอดภัยและการเตรียมตัวก่อนเดินทาง",
        "PREV": "การป้องกันและการสร้างความตระหนักรู้",
        "RECRUIT": "การออกใบอนุญาตบริษัทจัดหางานและการรับเรื่องร้องเรียน",
        "CONSULAR": "ความช่วยเหลือทางกงสุล",
        "LANG": "การล่ามและความช่วยเหลือด้านภาษา",
        "COORD": "กลไกประสานงานและเครือข่าย",
        "CAPACITY": "การเสริมสร้างศักยภาพ การวิจัย และการสนับสนุนทุน",
    },
    "lo": {
        "HELP": "ສາຍດ່ວນ ແລະ ສາຍຊ່ວຍເຫຼືອ",
        "IDENT": "ການກຳນົດຕົວຜູ້ເຄາະຮ້າຍ ແລະ ການກວດກາ",
        "RETURN": "ການສົ່ງກັບຄືນ ແລະ ການກັບຄືນຖິ່ນ",
        "RECEPT": "ການຮັບຕົວ ແລະ ການພັກຊົ່ວຄາວ",
        "SHELTER": "ບ່ອນພັກເຊົາ",
        "MED": "ການແພດ ແລະ ສຸຂະພາບ",
        "PSY": "ການຊ່ວຍເຫຼືອດ້ານຈິດໃຈ-ສັງຄົມ ແລະ ການໃຫ້ຄຳປຶກສາ",
        "LEGAL": "ການຊ່ວຍເຫຼືອທາງດ້ານກົດໝາຍ ແລະ ຍຸຕິທຳ",
        "FAMILY": "ການຊອກຫາ ແລະ ປະເມີນຄອບຄົວ",
        "REINT": "ການເຊື່ອມໂຍງຄືນສູ່ສັງຄົມ ແລະ ການຄຸ້ມຄອງກໍລະນີ",
        "LIVE": "ການດຳລົງຊີວິດ ແລະ ການສົ່ງເສີມດ້ານເສດຖະກິດ",
        "VOC": "ການຝຶກອາຊີບ ແລະ ທັກສະຊີວິດ",
        "EDU": "ການສຶກສາ ແລະ ການດູແລເດັກ",
        "FIN": "ການຊ່ວຍເຫຼືອດ້ານການເງິນ ແລະ ວັດຖຸ",
        "MIGR": "ການເຄື່ອນຍ້າຍແຮງງານຢ່າງປອດໄພ ແລະ ການກະກຽມກ່ອນອອກເດີນທາງ",
        "PREV": "ການປ້ອງກັນ ແລະ ການສ້າງຈິດສຳນຶກ",
        "RECRUIT": "ການອອກໃບອະນຸຍາດບໍລິສັດຈັດຫາງານ ແລະ ການຮ້ອງທຸກ",
        "CONSULAR": "ການຊ່ວຍເຫຼືອດ້ານກົງສຸນ",
        "LANG": "ການແປພາສາ ແລະ ການຊ່ວຍເຫຼືອດ້ານພາສາ",
        "COORD": "ກົນໄກປະສານງານ ແລະ ເຄືອຂ່າຍ",
        "CAPACITY": "ການສ້າງຄວາມອາດສາມາດ, ການຄົ້ນຄວ້າ ແລະ ການສະໜອງທຶນ",
    },
    "vi": {
        "HELP": "đường dây nóng và tư vấn",
        "IDENT": "nhận diện và sàng lọc",
        "RETURN": "hồi hương và trở về",
        "RECEPT": "tiếp nhận và lưu trú tạm thời",
        "SHELTER": "nhà tạm lánh",
        "MED": "y tế và chăm sóc sức khỏe",
        "PSY": "hỗ trợ tâm lý xã hội và tư vấn",
        "LEGAL": "trợ giúp pháp lý và tư pháp",
        "FAMILY": "tìm kiếm và đánh giá gia đình",
        "REINT": "tái hòa nhập và quản lý ca",
        "LIVE": "sinh kế và nâng cao năng lực kinh tế",
        "VOC": "đào tạo nghề và kỹ năng sống",
        "EDU": "giáo dục và chăm sóc trẻ em",
        "FIN": "hỗ trợ tài chính và vật chất",
        "MIGR": "di cư an toàn và chuẩn bị trước khi đi",
        "PREV": "phòng ngừa và nâng cao nhận thức",
        "RECRUIT": "cấp phép doanh nghiệp tuyển dụng và giải quyết khiếu nại",
        "CONSULAR": "hỗ trợ lãnh sự",
        "LANG": "phiên dịch và hỗ trợ ngôn ngữ",
        "COORD": "cơ chế điều phối và mạng lưới",
        "CAPACITY": "nâng cao năng lực, nghiên cứu và tài trợ",
    },
}

# Places of the partners, in their language (Area keys; a country when no area is filed).
PLACES = {
    "th": {
        "TH:TH-10": "กรุงเทพมหานคร",
        "TH:TH-50": "จังหวัดเชียงใหม่",
        "TH:TH-67": "จังหวัดเพชรบูรณ์",
        "TH": "ประเทศไทย",
    },
    "lo": {"LA:LA-VT": "ນະຄອນຫຼວງວຽງຈັນ", "LA": "ສປປ ລາວ"},
    "vi": {
        "VN:VN-HN": "Hà Nội",
        "VN:VN-SG": "Thành phố Hồ Chí Minh",
        "VN:VN-44": "tỉnh An Giang",
        "VN:VN-09": "tỉnh Lạng Sơn",
        "VN": "Việt Nam",
        "KH:12": "Phnôm Pênh, Campuchia",
    },
}

# "{name} is a {type} in {place}. Services and roles listed: {services}. <demo caveat> <draft note>"
TEMPLATES = {
    "km": (
        "{name} គឺជា{type}{place}។ សេវា និងតួនាទីដែលបានកត់ត្រា៖ {services}។ "
        "ព័ត៌មាននេះសង្ខេបចេញពីរបាយការណ៍វាយតម្លៃសាធារណៈ (ទិន្នន័យសាកល្បង)៖ "
        "សូមផ្ទៀងផ្ទាត់ជាមុនសិន មុននឹងបញ្ជូននរណាម្នាក់។ "
        "សេចក្តីបកប្រែនេះជាសេចក្តីព្រាង កំពុងរង់ចាំការពិនិត្យពីអ្នកនិយាយភាសាខ្មែរ។"
    ),
    "th": (
        "{name} เป็น{type}{place} บริการและบทบาทที่บันทึกไว้: {services} "
        "ข้อมูลนี้สรุปจากรายงานการประเมินที่เผยแพร่ต่อสาธารณะ (ข้อมูลสาธิต) "
        "โปรดตรวจสอบก่อนส่งต่อผู้ใดก็ตาม คำแปลนี้เป็นฉบับร่างที่รอการตรวจทานโดยเจ้าของภาษา"
    ),
    "lo": (
        "{name} ແມ່ນ{type}{place}. ການບໍລິການ ແລະ ບົດບາດທີ່ບັນທຶກໄວ້: {services}. "
        "ຂໍ້ມູນນີ້ສະຫຼຸບຈາກບົດລາຍງານການປະເມີນທີ່ເຜີຍແຜ່ຕໍ່ສາທາລະນະ (ຂໍ້ມູນສາທິດ): "
        "ກະລຸນາກວດສອບກ່ອນສົ່ງຕໍ່ຜູ້ໃດຜູ້ໜຶ່ງ. ຄຳແປນີ້ແມ່ນສະບັບຮ່າງທີ່ລໍຖ້າການກວດທານໂດຍເຈົ້າຂອງພາສາ."
    ),
    "vi": (
        "{name} là {type}{place}. Dịch vụ và vai trò được ghi nhận: {services}. "
        "Thông tin này được tóm tắt từ các báo cáo đánh giá công khai (dữ liệu minh họa): "
        "vui lòng xác minh trước khi chuyển gửi bất kỳ ai. "
        "Bản dịch này là bản nháp, đang chờ người bản ngữ rà soát."
    ),
}
PLACE_PREFIX = {"km": " នៅ", "th": " ใน", "lo": " ຢູ່", "vi": " tại "}
# Labels hold spaces themselves (Khmer and Thai separate phrases with a space): a comma between.
LIST_SEPARATOR = {"km": ", ", "th": ", ", "lo": ", ", "vi": "; "}
GENERIC_TYPE = {"km": "ស្ថាប័ន", "th": "หน่วยงาน", "lo": "ອົງການ", "vi": "tổ chức"}

SERVICE_TEMPLATE_KM = (
    "{kind}។ សង្ខេបចេញពីតួនាទីរបស់អង្គការក្នុងរបាយការណ៍វាយតម្លៃសាធារណៈ (ទិន្នន័យសាកល្បង)៖ "
    "សូមផ្ទៀងផ្ទាត់ជាមុនសិន មុននឹងបញ្ជូននរណាម្នាក់។ សេចក្តីបកប្រែព្រាង រង់ចាំការពិនិត្យ។"
)


@cache
def names():
    """{language: {slug: name}} from both name files."""
    table = {}
    for path in (NAMES_FILE, FILE):
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        for language, rows in data.items():
            if isinstance(rows, dict):
                table.setdefault(language, {}).update(rows)
    return table


def languages_for(record):
    """The content languages a demo record is translated into."""
    wanted = ["km"]
    partner = EXTRA_PARTNERS.get(record["slug"]) or PARTNER_LANGUAGE.get(record["country"])
    if partner:
        wanted.append(partner)
    return [code for code in wanted if record["slug"] in names().get(code, {})]


def _top_terms(service):
    """[(top-level term, [child terms])] of a service's taxonomy links."""
    groups = {}
    for link in service.term_links.select_related("term", "term__parent"):
        term = link.term
        top = term.parent if term.parent_id else term
        groups.setdefault(top.code, (top, []))
        if term.parent_id:
            groups[top.code][1].append(term)
    return list(groups.values())


def _service_type_names(services, language):
    seen = []
    for service in services:
        for top, _children in _top_terms(service):
            label = top.name_km if language == "km" else SERVICE_TYPES[language].get(top.code, "")
            if label and label not in seen:
                seen.append(label)
    return seen


def _place(record, org, language):
    if language == "km":
        area = org.area or org.country
        return PLACE_PREFIX["km"] + area.name_km if area is not None and area.name_km else ""
    place = PLACES[language].get(record["area"] or "") or PLACES[language].get(record["country"], "")
    return PLACE_PREFIX[language] + place if place else ""


def organization_description(record, org, services, language):
    return TEMPLATES[language].format(
        name=names()[language][record["slug"]],
        type=ORG_TYPES[language].get(record["org_type"], GENERIC_TYPE[language]),
        place=_place(record, org, language),
        services=LIST_SEPARATOR[language].join(_service_type_names(services, language)) or "-",
    )


def khmer_service_text(service):
    """(name, description) in Khmer, from the taxonomy's Khmer labels; None when it has none."""
    groups = _top_terms(service)
    if not groups:
        return None
    top, children = groups[0]
    if not top.name_km:
        return None
    named = [c.name_km for c in children if c.name_km]
    name = named[0] if len(children) == 1 and named else top.name_km
    kind = f"{top.name_km}៖ " + " ".join(named) if named else top.name_km
    return name, SERVICE_TEMPLATE_KM.format(kind=kind)


def _translate(source, locale, fields):
    copy = source.copy_for_translation(locale)  # a draft (directory.admin.translation)
    for key, value in fields.items():
        setattr(copy, key, value)
    copy.live = True
    copy.has_unpublished_changes = False
    copy.first_published_at = copy.last_published_at = source.last_published_at
    copy.save()
    return copy


def load_translations(records, orgs):
    """Create the missing translations of the demo organizations in `orgs` ({slug: org}) and
    of their services. Returns the number of rows created."""
    locales = {loc.language_code: loc for loc in Locale.objects.all()}
    created = 0
    for record in records:
        org = orgs.get(record["slug"])
        if org is None:
            continue
        services = list(Service.objects.filter(organization=org, is_demo=True))
        for language in languages_for(record):
            locale = locales.get(language)
            if locale is None:
                continue
            exists = Organization.objects.filter(translation_key=org.translation_key, locale=locale)
            if not exists.exists():
                _translate(
                    org,
                    locale,
                    {
                        "name": names()[language][record["slug"]],
                        "description": organization_description(record, org, services, language),
                    },
                )
                created += 1
            if language != "km":
                continue  # partners' services stay English (shown with "not yet translated")
            for service in services:
                if Service.objects.filter(translation_key=service.translation_key, locale=locale).exists():
                    continue
                text = khmer_service_text(service)
                if text is None:
                    continue
                _translate(service, locale, {"name": text[0], "description": text[1]})
                created += 1
    return created
