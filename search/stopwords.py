"""Query words that never block a match: function words and administrative words.

`STOPWORDS` carry no search meaning on their own ("the", "near me", "No." before a number).
`ADMIN_WORDS` name a kind of place (province, district, ខេត្ត, ស្រុក, จังหวัด, ເມືອງ...): people type
them ("Battambang province", "ខេត្តបាត់ដំបង") whether or not the record says them, so a query
word that is one is searched but not required. Both hold words as `search.text` normalises
them (lower case, lightly stemmed, subscript da folded to ta); tests check that.

`SCRIPT_ADMIN_WORDS` are those of Khmer, Thai and Lao, which ICU may glue to the place name
that follows (ខេត្តបាត់ដំបង as one token): `search.text` splits them off at index and query time.
"""


def _words(text):
    return frozenset(text.split())


STOPWORDS = _words(
    # English function words
    "a an and are as at be by for from in into is it of on or not the to with"
    " about any been can do has have than that their them then there these they this those"
    " was were what where which how please i me my we our you your"
    # query fillers: "shelter near me", "find legal aid", "looking for a hotline"
    " near find looking want"
    # "No. 190", "Nº 190", "Number 12": the number is the word that matters
    " no nr num number"
    # Khmer, Thai and Lao: "and", "of", "in", "for", "number" (លេខ, ល.រ)
    " និង នៃ នៅ ក្នុង សម្រាប់ របស់ ឬ លេខ លរ"
    " และ ของ ใน สำหรับ ที่ เลข"
    " ແລະ ຂອງ ໃນ ສຳລັບ ເລກທີ"
    # Vietnamese, diacritics folded as `search.text` stores them (và, của, cho, trong, ở, các,
    # những, là, một, với, số): "and", "of", "for", "in", "at", plural markers, "is", "a",
    # "with", "number"
    " va cua cho trong o cac nhung la mot voi so"
)

SCRIPT_ADMIN_WORDS = _words(
    # Khmer: province, city/municipality, district, Phnom Penh district, commune, urban commune,
    # village, capital
    "ខេត្ត ក្រុង ស្រុក ខណ្ឌ ឃុំ សង្កាត់ ភូមិ រាជធានី"
    # Thai: province, district, subdistrict, Bangkok district
    " จังหวัด อำเภอ ตำบล เขต"
    # Lao: province, district, village, capital (prefecture)
    " ແຂວງ ເມືອງ ບ້ານ ນະຄອນຫຼວງ"
)

ADMIN_WORDS = SCRIPT_ADMIN_WORDS | _words(
    "province district city commune village capital municipality"
    # romanised Khmer, Thai and Lao forms of the same words
    " krong khett khaet khet srok khan sangkat khum phum changwat amphoe tambon khoueng"
    # Vietnamese (folded; each syllable is a token): tỉnh province, huyện district, xã commune,
    # thành phố / TP city, quận urban district, phường ward (not thị trấn: Trần is a surname)
    " tinh huyen xa thanh pho tp quan phuong"
)

# Compounds that begin with an administrative word but are other words: never split.
NOT_ADMIN_COMPOUNDS = _words(
    "ឃុំខ្លួន ឃុំឃាំង ភូមិភាគ ភូមិសាស្ត្រ ភូមិន្ទ ស្រុកកំណើត"  # detention, detain, region, geography, royal, homeland
    " เขตแดน"  # border
    " ບ້ານເຮືອນ ບ້ານເກີດ"  # houses, birthplace
)


def is_droppable(token):
    """True when a query token may go unmatched (a stop word or an administrative word)."""
    return token in STOPWORDS or token in ADMIN_WORDS
