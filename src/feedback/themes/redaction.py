"""Redaction of personal data from free text, before anything else reads it.

Each kind of data becomes a typed placeholder (`[email]`, `[phone]`, `[address]`,
`[postcode]`, `[name]`) so tagging, quotes and phrase counts still read naturally. The
rules lean towards removing too much: a stray digit group or street name lost from a
quote costs little, one survivor's phone number or address left in a report costs a lot.
Names are found by meaning first (a capitalised word after "my husband", "my worker",
"called", "Mrs" ..., or in apposition: "the housing officer, Mo,"), then by a list of
common given names, and last by form: a capitalised word that is not an English word in
Pattern's lexicon (TextBlob's own data) is taken for a name, whatever its origin. Text
typed on phones drops capitals, so after a role or title ("my idva rosie", "pc lewis") a
lower-case word that is no English word is a name too. Over-redaction is measured by
`feedback themes evaluate` (share of non-personal words removed).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources

from textblob.en import lexicon as _lexicon

from feedback.themes.language import looks_english

__all__ = ["PLACEHOLDERS", "redact"]

PLACEHOLDERS = ("[email]", "[phone]", "[address]", "[postcode]", "[name]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DIGIT = re.compile(r"\d")
_CAPITALISED = re.compile(r"\b([A-Z][a-z]+)(?:\s+([A-Z][a-z'-]+))?\b")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# Emails typed to dodge scrapers: "jo.bloggs (at) example.org", "jo [at] example dot com",
# "sam at example dot org" (a plain " at " needs a spelled-out " dot " after it).
_AT = r"(?:\s*[(\[{]\s*at\s*[)\]}]\s*|\s+at\s+(?=[\w-]+\s+dot\s))"
_DOT = r"(?:\.|\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+)"
_SPELLED_EMAIL = re.compile(rf"[\w.+'-]+{_AT}[\w-]+(?:{_DOT}[a-z]{{2,}})+\b", re.IGNORECASE)

# A UK number: +44 / 0044 (optionally "(0)") or a leading 0, then nine or ten digits, each
# optionally after a space, dot, hyphen or bracket: 07700 900123, (020) 7946 0000, ...
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)(?:[\s.-]?\)?[\s.-]?\d){9,10}(?!\d)"
)

# Full postcodes are unambiguous in any case; an outward code alone ("SW3") only when it
# is upper-case and in a London postal area, or follows a place word ("near M14").
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPS-UW\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_OUTWARD_LONDON = re.compile(r"\b(?:(?:EC|WC)\d[A-Z]?|(?:SW|SE|NW|N|E|W)\d{1,2}[A-Z]?)\b")
# Every postcode rule needs a letter right before a digit (or GIR 0AA), and the outward
# codes an upper-case one: a text without that skips those scans (a test, not a rule).
_POSTCODE_LIKE = re.compile(r"[A-Za-z]\d|gir ?0aa", re.IGNORECASE)
_UPPER_DIGIT = re.compile(r"[A-Z]\d")
_OUTWARD_AFTER_PLACE = re.compile(
    r"\b((?i:in|at|near|from|around|postcode|live in|lives in)\s+)([A-Z]{1,2}\d{1,2}[A-Z]?)\b"
)

_UNAMBIGUOUS_STREETS = (
    "road|rd|street|avenue|ave|lane|close|gardens|gdns|crescent|drive|terrace|mews|grove"
)
_STREET_WORDS = (
    f"{_UNAMBIGUOUS_STREETS}|st|court|ct|place|way|square|sq|hill|row|walk|green|park|rise|"
    "parade|estate|house|tower|towers|buildings|mansions|villas"
)
_UNIT = r"\b(?:flat|apartment|apt|unit|room|block)\.?\s*(?:no\.?\s*)?\d+[a-z]?\b"
# "flat 3, 12 Example Road", "12a Mill Lane", "flat 7"; checked further in _address.
_ADDRESS = re.compile(
    rf"(?:{_UNIT}[,\s]*)?\b\d{{1,4}}[a-z]?,?\s+((?:[A-Za-z'-]+\s+){{1,3}})({_STREET_WORDS})\b"
    rf"|{_UNIT}",
    re.IGNORECASE,
)
_NOT_STREET_NAMES = _words(
    "a an the of to in at on for and or but my our his her their your this that these those "
    "weeks week months month years year days day hours hour times minutes more than over "
    "about only just it was were is are i we you he she they me us them"
)
# A street named without a number, when its words are capitalised: "on Example Road".
# The ambiguous words (Court, Hill, Place, Way, Row, Square ...) need a house number above.
_STREET_TITLES = (
    "Road",
    "Street",
    "Avenue",
    "Lane",
    "Close",
    "Crescent",
    "Drive",
    "Terrace",
    "Mews",
    "Gardens",
    "Grove",
)
_NAMED_STREET = re.compile(r"\b(?:[A-Z][a-z'-]+\s+){1,3}(?:" + "|".join(_STREET_TITLES) + r")\b")

_NAME = r"[A-Za-z][a-z']+(?:[ -][A-Z][a-z']+)?"
_RELATIONS = (
    "husband|wife|partner|ex|ex-partner|ex-husband|ex-wife|boyfriend|girlfriend|fianc[eé]e?|"
    "son|daughter|brother|sister|mum|mother|dad|father|stepdad|stepmum|uncle|aunt|auntie|"
    "cousin|nan|nana|gran|granny|grandma|grandad|friend|neighbour|child|baby|kids?|"
    "worker|caseworker|key worker|support worker|social worker|advocate|idva|isva|officer|"
    "counsellor|therapist|teacher|solicitor|gp|doctor|nurse|midwife|manager|caller"
)
# A name after a relation or a naming verb: "my worker Sarah", "called Tom".
_NAME_AFTER_CUE = re.compile(
    rf"(?i:\b(?:my|our|his|her|their|the|a)\s+(?:{_RELATIONS})\s*,?\s+)({_NAME})"
    rf"|(?i:\b(?:called|named|name is|name's|known as|spoke to|speak to|ask for|asked for)"
    rf"\s+)({_NAME})"
)
_TITLES = (
    "Dr",
    "Mrs",
    "Mr",
    "Ms",
    "Miss",
    "Mx",
    "Prof",
    "PC",
    "DC",
    "DS",
    "Sgt",
    "Sergeant",
    "Inspector",
    "Judge",
    "Imam",
    "Rev",
)
_TITLE_NAME = re.compile(
    r"\b(?:" + "|".join(_TITLES) + r")\.?\s+([A-Z][a-z']+(?:[ -][A-Z][a-z']+)?)"
)
# Titles and roles typed in lower case, then a lower-case word: "pc lewis", "dr okoro",
# "the idva jo", "esp marguerite". Checked further in _lower_after_role.
_LOWER_AFTER_ROLE = re.compile(
    r"\b(?:dr|mrs|mr|ms|pc|dc|ds|sgt|idva|isva|worker|caseworker|advocate|officer|counsellor"
    r"|teacher|solicitor|bloke|lady|woman|fella|esp|especially|thanks|thank you|thank u|ty)"
    r",?\s+([a-z][a-z']+)\b"
)
# A capitalised name set off by commas after a role: "The housing officer, Mo, moved me".
# The regex finds ", Name," (cheap); _apposition checks the role word before it.
# It starts only where a word starts: a match begun inside a word would end at the same
# comma, so the look-behind changes no match and saves trying every letter of every word.
_APPOSITION = re.compile(r"(?<![\w-])([\w-]+),\s+([A-Z][a-z']+)(?=,|\s*\()")
_ROLE_WORDS = _words(
    _RELATIONS.replace("|", " ").replace("key worker", "").replace("support worker", "")
    + " woman lady man bloke contact interpreter volunteer coordinator lead visitor "
    "receptionist adviser advisor"
)
# Capitalised words anywhere, each checked against the lexicon in _unknown_words.
_CAPITAL_WORD = re.compile(r"(?<![\w\[])([A-Z][a-z]+)(?='s\b|\b)(?!\])")
# Proper nouns that are not people: services, platforms, days, faiths, languages.
_NOT_PEOPLE = _words(
    "English Police Council Christmas Ramadan Eid Diwali Easter Facebook Instagram WhatsApp "
    "Snapchat Tiktok TikTok Google Youtube YouTube Twitter Zoom Teams Tfl Nhs Camhs Idva Isva "
    "Marac Mash Sikh Muslim Hindu Jewish Christian Catholic Islam Polish Somali Arabic Urdu "
    "Bengali Punjabi Romanian Portuguese Spanish Turkish Lithuanian Tigrinya Farsi Kurdish "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December Mon Tue Wed Thu Fri Sat Sun "
    "Universal Credit Refuge Childline Samaritans Barnardos Mcdonalds Tesco Asda Aldi Lidl "
    "Uber Lgbt Ofsted Dbs Gp Ae Hmrc Dwp Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    "Mr Mrs Ms Miss Mx Dr Prof Pc Dc Ds Sgt Cafcass Kooth Galop Jobcentre Postcode Hes "
    # Places are not people, and a country is often the danger itself ("taking me to ...").
    "London Britain England Scotland Wales Ireland Europe Africa Asia India Pakistan "
    "Bangladesh Nigeria Ghana Somalia Eritrea Ethiopia Sudan Kenya Uganda Afghanistan Iran "
    "Iraq Syria Turkey Poland Romania Lithuania Portugal Brazil Spain Italy France Germany "
    "Jamaica Punjab Lahore Karachi Dhaka Sylhet Lagos Mogadishu Sierra Leone Gambia Albania "
    "Kensington Chelsea Hammersmith Fulham Westminster Hounslow Ealing Brent Camden Luton "
    "Birmingham Manchester Leeds Glasgow Cardiff Croydon Lewisham Hackney Newham Barnet "
    "Tamil Dari Pashto Brazilian Nigerian Somalian Pakistani Indian Bangladeshi Jamaican"
)
# British spellings Pattern's American lexicon lacks: "counselling", "programme", "colour".
_BRITISH = (
    (re.compile(r"lling$"), "ling"),
    (re.compile(r"mme$"), "m"),
    (re.compile(r"our$"), "or"),
    (re.compile(r"is(e|ed|ing|ation)$"), r"iz\1"),
)
# Capitalised words that follow a cue yet are not names.
_NOT_NAMES = _words(
    "I The A An And But Or So If When Then He She They We You It My Our His Her Their This "
    "That Was Were Is Are Has Had Have Did Do Does Not No Yes Very Really Always Never Who "
    "English Police Social Council Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "God Christmas Ramadan Eid Mum Dad"
)


@functools.cache
def _given_names() -> frozenset[str]:
    text = resources.files("feedback.themes").joinpath("data", "given_names.txt").read_text()
    words = (line.split() for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in words for word in line)


def _any_of(words: Sequence[str], text: str) -> bool:
    """Whether a rule that needs one of `words`, spelled just so, can match at all: a
    substring test costs far less than trying the rule at every word."""
    return any(word in text for word in words)


def _address(match: re.Match[str]) -> str:
    """Accept "12 Example Road" but not "3 weeks at the house": the words between the
    number and the street word must not be ordinary function words, and an ambiguous
    street word (house, place, way ...) must be capitalised."""
    middle, street = match.group(1), match.group(2)
    if middle is None:
        return "[address]"
    if any(word.lower() in _NOT_STREET_NAMES for word in middle.split()):
        return match.group()
    if not re.fullmatch(_UNAMBIGUOUS_STREETS, street, re.IGNORECASE) and not street[0].isupper():
        return match.group()
    return "[address]"


def _outward_after_place(match: re.Match[str]) -> str:
    return match.group(1) + "[postcode]"


def _names_after_cues(text: str) -> str:
    names = _given_names()

    def replace(match: re.Match[str]) -> str:
        group = 1 if match.group(1) else 2
        words = match.group(group).split()
        lower = words[0][0].islower()
        if words[0] in _NOT_NAMES or (lower and words[0].capitalize() not in names):
            return match.group()
        start, end = match.span(group)
        if lower or (len(words) > 1 and words[1] in _NOT_NAMES):
            end = start + len(words[0])
        return match.string[match.start() : start] + "[name]" + match.string[end : match.end()]

    text = _NAME_AFTER_CUE.sub(replace, text)
    text = _APPOSITION.sub(_apposition, text)
    text = _LOWER_AFTER_ROLE.sub(_lower_after_role, text)
    if not _any_of(_TITLES, text):
        return text
    return _TITLE_NAME.sub(_name_in_group, text)


def _apposition(match: re.Match[str]) -> str:
    if match.group(1).lower() not in _ROLE_WORDS:
        return match.group()
    return match.group()[: match.start(2) - match.start()] + "[name]"


def _name_in_group(match: re.Match[str]) -> str:
    return match.group()[: match.start(1) - match.start()] + "[name]"


@functools.lru_cache(maxsize=20_000)  # a pure test of one word; the same words recur
def _english_word(word: str) -> bool:
    """In Pattern's lexicon as an ordinary word, also as a plural or British spelling."""
    lower = word.lower()
    forms = {lower, lower.removesuffix("s"), *(rule.sub(to, lower) for rule, to in _BRITISH)}
    return any(
        form in _lexicon or form in _NOT_STREET_NAMES or form in _LOWER_NOT_NAMES for form in forms
    )


# Lower-case words after a role that are still not names ("the officer who", "esp when").
_LOWER_NOT_NAMES = _words(
    "who was were is and but at in on from for said says told never didnt wasnt couldnt "
    "wouldnt dont cant im ive id ill u ur pls plz lol tho n x xx xxx ok okay so cos coz bc "
    "obvs tbh idk omg rn ngl"
)


def _lower_after_role(match: re.Match[str]) -> str:
    """A lower-case word after a role is a name when it is a listed given name or no
    English word at all ("rosie", "kemi"), never an ordinary word ("the officer said")."""
    word = match.group(1)
    listed = word.capitalize() in _given_names()
    if not listed and _english_word(word):
        return match.group()
    return _name_in_group(match)


# A lower-case given name opening a sentence or set off by commas: "priya rang me",
# "the officer who came after, amara, was different".
_LOWER_LISTED = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=,\s))([a-z][a-z']+)\b(?=[\s,])", re.MULTILINE)


def _lower_listed(match: re.Match[str]) -> str:
    word = match.group(1)
    if word.capitalize() in _given_names() and word not in _lexicon:
        return "[name]"
    return match.group()


def _unknown_words(text: str) -> str:
    """Capitalised words no English lexicon knows, other than known non-people: names of
    any origin ("Ngozi", "Harpreet", "Tomasz") that no list could hold."""
    names = _given_names()

    def unknown(word: str) -> bool:
        if word in _NOT_NAMES or word in _NOT_PEOPLE or word.removesuffix("s") in _NOT_PEOPLE:
            return False
        return word in names or not _english_word(word)

    found = {word for word in _CAPITAL_WORD.findall(text) if unknown(word)}
    # Other languages' capitalised words are not in an English lexicon: names there are
    # left to the cues and the list (and the text goes to a person anyway).
    if not found or not looks_english(text):
        return text
    return _CAPITAL_WORD.sub(lambda m: "[name]" if m.group(1) in found else m.group(), text)


def _listed_names(text: str) -> str:
    """Common given names anywhere in the text, with a capitalised surname after them."""
    names = _given_names()

    def replace(match: re.Match[str]) -> str:
        first, surname = match.group(1), match.group(2)
        if first not in names:
            return match.group()
        if surname and surname not in _NOT_NAMES:
            return "[name]"
        return "[name]" + match.group()[len(first) :]

    return _CAPITALISED.sub(replace, text)


def redact(text: str) -> str:
    """Replace personal data with typed placeholders; idempotent and total on any string.

    Every phone, address and postcode rule needs a digit, and an email an "@": text
    without them skips those rules (placeholders add neither, so one check suffices).
    """
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    lowered = text.lower()
    # Only a spelled " dot " or a closing bracket (any spacing: "(at )", "{at}") can end
    # the "at" of a spelled email, so text with neither skips the rule.
    if "at" in lowered and ("dot" in lowered or any(close in text for close in ")]}")):
        text = _SPELLED_EMAIL.sub("[email]", text)
    if _DIGIT.search(text):
        text = _PHONE.sub("[phone]", text)
        text = _ADDRESS.sub(_address, text)
        if _POSTCODE_LIKE.search(text):
            text = _POSTCODE.sub("[postcode]", text)
        if _UPPER_DIGIT.search(text):
            text = _OUTWARD_LONDON.sub("[postcode]", text)
            text = _OUTWARD_AFTER_PLACE.sub(_outward_after_place, text)
    if _any_of(_STREET_TITLES, text):
        text = _NAMED_STREET.sub("[address]", text)
    text = _names_after_cues(text)
    text = _listed_names(text)
    text = _LOWER_LISTED.sub(_lower_listed, text)
    return _unknown_words(text)
