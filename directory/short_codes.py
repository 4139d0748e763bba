"""National hotline short codes that phonenumbers' short-number metadata does not carry.

Phones accept a short code when `phonenumbers.shortnumberinfo` knows it for the phone's country
(Cambodia: 117, 118, 119, 666; Thailand: 191, 1669, 1133, ...). As of phonenumbers 9.0.43 that
metadata lacks the helplines case workers in the region dial most: these codes, named by field
users (issue 11), are accepted as well. Add a code here only from an official source; the number
a service actually answers on is still entered, verified and dated by an editor on its record.
When phonenumbers learns a code, its entry here becomes redundant and can be removed.
"""

EXTRA_SHORT_CODES = {
    "KH": frozenset({"1280", "1288", "1297"}),
    "TH": frozenset({"1300"}),
}
