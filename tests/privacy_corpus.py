"""The personal-data guard's corpus: texts it must refuse (with the kinds it must name) and texts it must accept.

Refused texts are identifiers written the ways people write them, and the ways people write them to slip past a
filter (other dashes and spaces, format characters, other digit forms, ``(at)``). Accepted texts are everyday EST
text that looks numeric: dates, times, ranges, postcodes, street numbers, police event numbers, crime codes,
organisation numbers, amounts, counts. The control digits are computed here, independently of ``core.privacy``.
"""

from __future__ import annotations

from core.privacy import IdentifierKind

PNR = IdentifierKind.PERSONNUMMER
SAM = IdentifierKind.SAMORDNINGSNUMMER
EMAIL = IdentifierKind.EMAIL
PHONE = IdentifierKind.PHONE
PLATE = IdentifierKind.PLATE


def control_digit(nine: str) -> str:
    """The Luhn control digit for the nine digits YYMMDDNNN."""
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product if product < 10 else product - 9
    return str((10 - total % 10) % 10)


def with_control(yymmdd: str, serial: str) -> str:
    """``YYMMDD-NNNC`` with a correct control digit C."""
    return f"{yymmdd}-{serial}{control_digit(yymmdd + serial)}"


def to_script(text: str, zero: str) -> str:
    """``text`` with its ASCII digits written in the script whose zero is ``zero`` (digits are contiguous)."""
    return "".join(chr(ord(zero) + int(char)) if char.isdigit() else char for char in text)


FULL_WIDTH_ZERO, BOLD_ZERO, ARABIC_INDIC_ZERO, DEVANAGARI_ZERO, BENGALI_ZERO = "０", "𝟎", "٠", "०", "০"

# --- refused ---------------------------------------------------------------------------------------------------

PERSONNUMMER = [
    "811218-9876",
    "19811218-9876",
    "811218+9876",
    "8112189876",
    "198112189876",
    "811218 9876",
    "19811218 9876",
    "81 12 18-9876",
    "81 12 18 9876",
    "1981-12-18-9876",
    "1981-12-18 9876",
    "1981 12 18 9876",
    "811218 - 9876",
    "811218 + 9876",
    "811218 – 9876",  # en dash from Word's autocorrect
    "811218–9876",
    "811218—9876",  # em dash
    "811218−9876",  # minus sign
    "811218‑9876",  # non-breaking hyphen
    "811218‐9876",  # hyphen
    "811218‒9876",  # figure dash
    "811218﹣9876",  # small hyphen-minus
    "811218\u00a09876",  # no-break space
    "811218\u202f9876",  # narrow no-break space
    "811218\u20099876",  # thin space
    "811218\t9876",
    "811218\n9876",
    "811218.9876",
    "81.12.18-9876",
    "81/12/18-9876",
    "811218_9876",
    "811218/9876",
    "811218  -  9876",
    "811218\u200b-9876",  # zero-width space
    "8112\u00ad18-9876",  # soft hyphen
    "81\u206012\u200c18\u200d-9876",  # word joiner, zero-width non-joiner and joiner
    "\ufeff811218-9876",  # byte order mark
    "８１１２１８－９８７６",  # full width
    to_script("811218-9876", BOLD_ZERO),
    to_script("811218-9876", ARABIC_INDIC_ZERO),
    to_script("811218-9876", DEVANAGARI_ZERO),
    to_script("19811218-9876", BENGALI_ZERO),
    "Anmälare 811218-9876 ringde.",
    "(pnr:19811218-9876)",
    "pnr811218-9876",
    "Pnr: 81 12 18-9876, hördes på plats.",
    "20000229-1235",  # 29 February in a leap year
    "000229-1235",
    with_control("050101", "123").replace("-", ""),  # born 2005: starts with a zero like a phone number
    with_control("120630", "456"),
    "19" + with_control("450315", "789").replace("-", ""),
    with_control("991231", "001"),
    with_control("010101", "020"),
]

SAMORDNINGSNUMMER = [
    "811278-9873",
    "19811278-9873",
    "8112789873",
    "811278+9873",
    "81 12 78-9873",
    "1981-12-78-9873",
    "811278 – 9873",
    "811278\u00a09873",
    "８１１２７８－９８７３",
    "Samordningsnr 811278+9873.",
    with_control("010161", "555"),
    with_control("990288", "111"),
]

EMAILS = [
    "anna.andersson@example.se",
    "Kontakt: kalle+est@orebro.kommun.se.",
    "mejla åsa_ö@exempel.nu i morgon",
    "kalle(at)example.se",
    "kalle (at) example.se",
    "kalle[at]example.se",
    "kalle [at] example [dot] se",
    "kalle [at] example.se",
    "kalle{at}example{dot}se",
    "kalle <at> example <dot> se",
    "kalle (at) example (dot) se",
    "kalle (AT) example (DOT) se",
    "kalle @ example.se",
    "kalle@ example.se",
    "kalle @example.se",
    "kalle＠example.se",  # full-width at sign
    "kalle ＠ example．se",
    "kalle﹫example.se",  # small commercial at
    "kalle at example dot se",
    "kalle at example.se",
    "KALLE AT EXAMPLE DOT SE",
    "kalle (snabel-a) example (punkt) se",
    "kalle snabel-a example punkt se",
    "kalle@exa\u200bmple.se",
    "kalle\u00a0@\u00a0example.se",
    "k.a@orebro.kommun.se",
    "Skicka till 1234@sms.example.com",
    "Mejla anna@sub.example-kommun.se om det händer igen",
]

PHONES = [
    "070-123 45 67",
    "0701234567",
    "070 123 45 67",
    "070.123.45.67",
    "070 - 123 45 67",
    "070–123 45 67",
    "070‑123 45 67",
    "070\u00a0123\u00a045\u00a067",
    "070\u202f123\u202f45\u202f67",
    "070/123 45 67",
    "070-1234567",
    "070 123 4567",
    "0701-23 45 67",
    "070_123_45_67",
    "070\u200b123\u200b45\u200b67",
    "07\u00ad0-123 45 67",
    "(070) 123 45 67",
    "(08) 123 456 78",
    "(08)-123 456 78",
    "08-123 456 78",
    "08 123 456 78",
    "08.123.456.78",
    "08-1234567",
    "08/123 456 78",
    "046-12 34 56",
    "0980-123 45",
    "031-123 45 67",
    "031 - 12 34 56",
    "0470-123 45",
    "019-12 34 56",
    "+46 70 123 45 67",
    "+46701234567",
    "+46 (0)70 123 45 67",
    "+46 (0)70-123 45 67",
    "+46 (0) 70 123 45 67",
    "+46 8 123 456 78",
    "+46-8-123 456 78",
    "+46 070 123 45 67",
    "0046 70 123 45 67",
    "0046701234567",
    "0046-70-123 45 67",
    "46701234567",
    "+46\u00a070\u00a0123\u00a045\u00a067",
    "０７０－１２３ ４５ ６７",
    "＋４６ ７０ １２３ ４５ ６７",
    to_script("070-123 45 67", ARABIC_INDIC_ZERO),
    to_script("070-123 45 67", BOLD_ZERO),
    "tel:070-1234567",
    "ring 070-123 45 67 om det händer igen",
    "Storgatan 12 070-123 45 67",
    "Ring mig på 0701234567!",
]

PLATES = [
    "ABC 123",
    "ABC123",
    "ABC 12A",
    "ABC12A",
    "ABC-123",
    "ABC  123",
    "ABC\u00a0123",
    "abc123",
    "abc-123",
    "Abc123",
    "abc12a",
    "ＡＢＣ １２３",
    "ＡＢＣ１２Ａ",
    "Bilen ABC 123 stod kvar.",
    "reg.nr XYZ 987",
    "en bil (GHJ 45K) brann",
    "MLB 456 och KLM 12B",
    "bilen (regnr abc123) stod kvar",
]

REFUSED: list[tuple[str, list[IdentifierKind]]] = [
    *((text, [PNR]) for text in PERSONNUMMER),
    *((text, [SAM]) for text in SAMORDNINGSNUMMER),
    *((text, [EMAIL]) for text in EMAILS),
    *((text, [PHONE]) for text in PHONES),
    *((text, [PLATE]) for text in PLATES),
    ("a@b.se 070-123 45 67 811278-9873 811218-9876 c@d.se 19811218-9876", [PNR, SAM, EMAIL, PHONE]),
    ("Bilen ABC 123, ägaren nås på 070-123 45 67", [PHONE, PLATE]),
    ("811218-9876 (at) kalle(at)example.se", [PNR, EMAIL]),
    ("Logg 202611240835 och pnr 811218-9876", [PNR]),
]

# --- accepted --------------------------------------------------------------------------------------------------

DATES_AND_TIMES = [
    "2026-11-24",
    "2026‑11‑24",
    "2026–11–24",
    "2026 11 24",
    "20261124",
    "2026/11/24",
    "24/11",
    "24/11 2026",
    "24/11-2026",
    "24.11.2026",
    "01.12.2026",
    "01/12 2026",
    "01/12",
    "05.08.2026",
    "den 24 november 2026",
    "2026-11-24 08:35",
    "2026-11-24 kl. 08.35",
    "2026-11-24T08:35:00+01:00",
    "v. 48",
    "v 05-08",
    "v.05 08",
    "2026-W48",
    "vecka 48–49",
    "24–25/11",
    "kl 21-23",
    "kl. 21–23",
    "21.00–23.30",
    "21.00 – 23.30",
    "21.00-23.30",
    "21:00–23:30",
    "kl. 22:15",
    "22.15–23.30",
    "kl 08.15-09.30",
    "kl 08.15 - 09.30",
    "08.15 09.30",
    "08.15",
    "05:30",
    "kl 05.30-07.00",
    "kl 0830",
    "kl 2130",
    "08:00-16:00",
    "mellan 19 och 23",
    "kl. 19.00–21.30 den 12/3",
    "natten 23–24/11, 01.30–03.00",
    "2024-03-12 08:00",
    "1981-12-18",  # a date alone
    "18/12 1981",
    "Logg 20261124",
    "20261124T0835",
    "2026-11-24 08:35:12",
    "202611240835123",  # too long to be anything
]

PLACES = [
    "114 14",
    "11414 Stockholm",
    "702 10 Örebro",
    "SE-702 10 Örebro",
    "503 32 Borås",
    "211 20 Malmö",
    "Storgatan 12B",
    "Storgatan 12",
    "Storgatan 12 B",
    "Drottninggatan 4 A",
    "Hagagatan 5–7",
    "Hagagatan 5-7, 702 10 Örebro",
    "Vasagatan 12 lgh 1102",
    "59.2745, 15.2134",
    "N 59.0274 E 15.0213",
    "59.27451, 15.02134",
    "lat 59,2745 lon 15,2134",
    "59°16′28″N 15°12′48″E",
    "E4",
    "E20 vid avfart 102",
    "väg 70",
    "Rv 50",
    "länsväg 205",
    "linje 12",
    "buss 123",
    "Bil 123",
    "bil 123",
    "rum 123",
    "Rum 123",
    "hus 12B",
    "Hus 12B",
    "sal 12A",
    "port 3",
    "plan 2",
]

REFERENCES = [
    "5000-K123456-26",
    "Händelse 5000-K123456-24",
    "K123456-26",
    "ärende 5000-K1234567-25",
    "0393",
    "brottskod 0393",
    "brottskoder 0393, 0394 och 1201",
    "brottskoder 0393 0394 0395",
    "0393 1201",
    "0393 1201 1202",
    "1201 1202 1203",
    "9302",
    "556677-8899",
    "Org.nr 556677-8899",
    "5566778899",
    "212000-1142",
    "232100-0016",
    "802000-1234",
    "Dnr KS 2024/0123",
    "Dnr 2024/00123",
    "Dnr 123/2024",
    "SFS 2010:800",
    "LSS 12",
    "LSS 123",
    "LVU 12",
    "SoL 4 kap. 1 §",
    "kap. 3 § 12",
    "BrB 4 kap 1 §",
    "SOS 112",
    "ring 112",
    "112",
    "1177",
    "114 14",
    "SEK 500",
    "EUR 100",
    "ICA 123",
]

AMOUNTS_AND_COUNTS = [
    "12 000 kr",
    "1 500,50",
    "1 500,50 kr",
    "12 000:-",
    "kostnad 250 000 kr",
    "1,5 mkr",
    "3 400 000 SEK",
    "12 345 678 kr",
    "2019",
    "sedan 2019",
    "3 bilbränder",
    "14 deltagare",
    "5 av 12",
    "100 %",
    "12 500 besökare",
    "ca 300 meter",
    "0,5 km",
    "0.5 km",
    "1 200 m²",
    "har 120 elever",
    "Har 120 elever",
    "och 300 meter",
    "med 150 deltagare",
    "Med 150",
    "46 deltagare",
    "46 personer, 12 bilar",
    "46 12 34 56",
    "1 2 3 4 5 6 7 8 9 10",
    "01 02 03",
    "112 113",
    "ref 0123",
    "0123 45",
    "12345678",
    "123 456 789",
    "070",
    "ring 0",
    "8112189870",  # fails Luhn
    "811218-9875",
    "19811218-9875",
    "811218+9875",
    "81 12 18-9875",
]

WORDS_AND_LINKS = [
    "@polisen_orebro",
    "#trygghet",
    "info@",
    "@ torget",
    "Träffas @ torget kl 21",
    "se www.orebro.se",
    "orebro.se/est",
    "https://www.polisen.se/aktuellt",
    "e-post till kommunen",
    "mejla kommunen",
    "Vi träffades vid torget. Se bilaga.",
    "look at this",
    "Möte at 10",
    "dot com",
    "snabel-a",
    "Klotter på skolan, v. 12.",
    "Trygghetsvandring vid torget kl. 19.00–21.30 den 12/3, 14 deltagare, 3 bilbränder sedan 2019.",
    "Ungdomar samlades vid Storgatan 12B mellan 21.00 och 23.30; polisen kallades (händelse 5000-K123456-26).",
    "Skadegörelse på busskur, 702 10 Örebro, kostnad cirka 12 000 kr.",
    "Ökad närvaro av fältassistenter v 05-08, kl 21-23.",
    "Bilbrand natten mot 24/11 vid parkeringen, brottskod 0393.",
    "Kundtjänst har öppet 08.00–17.00, vardagar.",
    "Rapporten skrevs 2026-11-24 kl. 08:35 av fältgruppen.",
    "Belysningen lagades, ärende 2024/0123 hos fastighetsbolaget (org.nr 556677-8899).",
    "Tre ungdomar, cirka 15 år, kastade sten mot bussar på linje 12.",
    "Områdets 1 200 lägenheter, varav 46 tomma.",
    "Vid ICA och Pressbyrån, 12 st tillfällen.",
    "Lugnt\u00a0vid torget\u2009i kväll.",
    "Nattvandring fre–lör, 22.00–02.00.",
    "",
    "  ",
    "a" * 4000,
    "1-" * 2000,
    "a@" * 2000,
    "a." * 2000,
]

ACCEPTED: list[str] = [*DATES_AND_TIMES, *PLACES, *REFERENCES, *AMOUNTS_AND_COUNTS, *WORDS_AND_LINKS]
