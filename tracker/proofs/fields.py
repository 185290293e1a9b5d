"""Reading a certificate's text into an activity's fields: pure, no files, no OCR.

`read_text(text)` finds the title, provider, date completed (or the period of an employment
letter), the hours and a suggested kind of activity. Each rule is a small function with the
patterns it uses named above it; what a rule cannot find stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.proofs.dates import completion_date, find_dates, find_period, full_time_months

_NUMBER = r"(?<![\d.])(?P<number>\d{1,3}(?:\.\d{1,2})?)"
# "0.8 CEU", "1.5 CEUs", "0.8 Continuing Education Units": one CEU is 10 contact hours.
CEUS = re.compile(rf"{_NUMBER}\s*(?:CEUs?\b|continuing\s+education\s+units?)", re.I)
CEU_LABEL = re.compile(rf"\b(?:CEUs?)\s*(?:awarded|earned)?\s*:\s*{_NUMBER}", re.I)
# "3 credit hours", "3.0 semester credit hours", "Credits: 3", "4 quarter credits".
CREDIT_HOURS = re.compile(
    rf"{_NUMBER}\s*(?P<quarter>quarter\s+)?(?:semester\s+)?(?:credit\s+hours?|credits?\b|"
    r"cr\.?\s*hrs?\b|sch\b)", re.I)
# ("Credits: 2 contact hours" are hours, not credit hours.)
CREDIT_LABEL = re.compile(
    rf"\b(?:credit\s+hours|credits)\s*(?:earned|awarded)?\s*:\s*{_NUMBER}"
    r"(?!\s*(?:contact\s+|clock\s+)?(?:hours?|hrs?)\b)", re.I)
# A transcript's line: course code, title, maybe the term, credit hours and grade:
# "MFG 110 Blueprint Reading for Manufacturing Fall 2023 3.0 A".
TRANSCRIPT_LINE = re.compile(
    r"^[A-Z]{2,5}\s?-?\d{3}[A-Z]?\s+(?P<title>[A-Za-z][^\d\n]*?)\s+"
    r"(?:(?:fall|spring|summer|winter)\s+(?:19|20)\d\d\s+)?"
    rf"{_NUMBER}\s+(?:[A-D][+-]?|F|P|S|CR)$", re.I)
# "8 hours", "8.0 contact hours", "30-Hour", "6 PDHs", "16 clock hrs", "80 academic hours".
HOURS = re.compile(
    rf"{_NUMBER}\s*(?:-\s*)?(?:(?:contact|clock|training|classroom|instructional|academic|"
    r"professional\s+development)\s+)?(?:hours?|hrs?\b\.?|PDHs?\b)", re.I)
HOURS_LABEL = re.compile(
    rf"\b(?:(?:total|contact|clock|training|course|credit)\s+)?(?:hours|hrs|PDHs?|duration|"
    rf"time|length)\s*(?:earned|awarded|completed)?\s*:\s*{_NUMBER}", re.I)

# The phrase a certificate puts just before what was done; the title follows it.
TITLE_LEADS = re.compile(
    r"\b(?:(?:has\s+)?(?:successfully\s+)?(?:completed|finished|attended|participated\s+in)|"
    r"for\s+(?:successfully\s+)?(?:completing|attending|participating\s+in)|"
    r"for\s+(?:the\s+)?(?:successful\s+)?completion\s+of|completion\s+of|"
    r"met\s+the\s+requirements\s+(?:of|for)|(?:is\s+(?:hereby\s+)?)?certified\s+as|"
    r"volunteer(?:ing|ed)?(?:\s+[\w.]+){0,4}?\s+(?:at|for|with)|"
    r"(?:awarded|presented|granted|issued)\s+to\s+[\w. ]{3,40}?\s+(?:in|for)$)"
    r"(?:\s+(?:the|a|an|our))?\s*:?", re.I)
# Labels that name the title on the rest of the line (or the next line).
TITLE_LABELS = re.compile(
    r"^(?:course|course\s+title|course\s+name|title|training|program|class|event|activity|"
    r"conference|position|job\s+title|certification|credential)\s*:\s*", re.I)
# A line that gives a labelled value, "Trainer: Sue Park": not a title by itself.
LABELLED = re.compile(r"^[A-Za-z][\w ]{0,24}:")
# Where a title in a sentence ends: a comma, a full stop (not "U.S."), "on", "which"...
TITLE_ENDS = re.compile(r",\s|;\s|(?<!\b[A-Z])\.(?:\s|$)|(?:^|\s+)(?:on|dated|which|where)\s")
# Words that make a line look like the name of a course or an event.
COURSE_WORDS = re.compile(
    r"\b(?:course|training|workshop|seminar|class|program|conference|expo|symposium|"
    r"summit|convention|webinar|bootcamp)s?\b", re.I)
# Labels that name the provider on the rest of the line (or the next line).
PROVIDER_LABELS = re.compile(
    r"^(?:issued\s+by|(?:training\s+|course\s+)?provider|presented\s+by|sponsored\s+by|"
    r"offered\s+by|provided\s+by|(?:issuing\s+)?organization|institution|school|employer|"
    r"company|awarded\s+by|hosted\s+by|conducted\s+by|training\s+center)\b\s*:?\s*", re.I)
# Words in an organization's name: sure ones, and ones a course's name can hold too.
ORGANIZATION_WORDS = re.compile(
    r"\b(?:institute|college|university|academy|council|association|society|inc|llc|"
    r"corp|corporation|company|co|ltd|center|centre|command|department|agency|foundation|"
    r"federation|board|alliance|administration|corps|chapter|league|hospital|humanity)\b",
    re.I)
MAYBE_ORGANIZATION_WORDS = re.compile(
    r"\b(?:safety|training|school|army|navy|group|services|solutions|industries|"
    r"manufacturing|bank|plant|works|systems|guard|network|technologies|foods)\b", re.I)
# A heading above the organization that gave the course: "Department of the Army".
PARENT_ORGANIZATION = re.compile(
    r"^(?:department\s+of\s+(?:the\s+)?(?:army|navy|air\s+force|defense)|united\s+states\s+"
    r"army)$", re.I)
# The person who signed, before their organization: "Dana Ruiz, Lead Instructor".
SIGNER = re.compile(
    r"^.*?\b(?:instructor|director|manager|coordinator|trainer|registrar|president|"
    r"officer|dean|chair|secretary)\b[,\s]+(?=\S)", re.I)
# The person's name follows these.
NAME_LEADS = re.compile(
    r"\b(?:certif(?:y|ies)\s+that|presented\s+to|awarded\s+to|granted\s+to|issued\s+to|"
    r"this\s+is\s+to\s+certify|be\s+it\s+known\s+that|recognizes|confirm\w*\s+that|thanks|we\s+thank|"
    r"(?:name|participant|student|employee|attendee)\s*:)\s*:?", re.I)
# Lines that are a certificate's boilerplate, never a title or a provider.
BOILERPLATE = re.compile(
    r"^(?:[\w-]+\s+){0,3}(?:certificate|certification|diploma|award|letter|verification|"
    r"transcript|record|report|card)(?:\s+of\s+\w+)?$|"
    r"^(?:this\s+(?:is\s+to\s+)?certif(?:y|ies)(?:\s+that)?|is\s+presented\s+to|"
    r"presented\s+to|awarded\s+to|to\s+whom\s+it\s+may\s+concern|be\s+it\s+known|"
    r"has\s+(?:successfully\s+)?completed|in\s+recognition\s+of|signature|date|dear|"
    r"office\s+of\s+the|instructor|director|sincerely|with\s+thanks)\b", re.I)
# A letter: its first line is the letterhead, the organization's name.
LETTER = re.compile(r"\b(?:to\s+whom\s+it\s+may\s+concern|dear\s+\w+|sincerely|with\s+thanks|"
                    r"regards)\b", re.I)

# What kind of activity the text is about.
EMPLOYMENT = re.compile(
    r"\b(?:employed|employment|has\s+worked|worked\s+(?:for|at|as)|position\s+of|"
    r"job\s+title)\b", re.I)
CERTIFICATION_AWARD = re.compile(
    r"\b(?:is\s+(?:hereby\s+)?certified|has\s+been\s+certified|has\s+earned\s+the\s+"
    r"(?:credential|certification|designation)|certified\s+as|certification\s+(?:number|no|"
    r"id)|credential\s+(?:id|number|no))\b", re.I)
CONFERENCE = re.compile(r"\b(?:conference|symposium|summit|convention|expo|trade\s+show)\b",
                        re.I)
VOLUNTEERING = re.compile(r"\bvolunteer", re.I)
# An employment letter's position: "as a Machine Operator", "position of Line Lead".
POSITION = re.compile(
    r"\b(?:position\s+of|job\s+title\s*:|title\s+of|as\s+(?:a|an|the))\s+"
    r"(?P<position>[A-Z][\w/&-]*(?:\s+(?:[A-Z][\w/&-]*|I{1,3}|of|and))*)")
# An employment letter's employer: "employed by Acme Manufacturing, Inc. as".
EMPLOYER = re.compile(
    r"\b(?:employed\s+(?:by|at|with)|worked\s+(?:for|at))\s+"
    r"(?P<employer>[A-Z][^,;\n]*?(?:,?\s+(?:Inc|LLC|Ltd|Co|Corp)\.?)?)"
    r"(?=\s+(?:as|from|since|in|between|for)\b|[,;\n]|\.\s|\.?$)")
# What an organization does in a certificate's sentence: "Lincoln High School thanks".
ORGANIZATION_SPEAKS = re.compile(r"\s+(?:thanks|recognizes|presents|awards|certifies|"
                                 r"is\s+proud\s+to|confirms)\b", re.I)
# Company names end with these abbreviations, and keep their period.
ABBREVIATED_END = re.compile(r"\b(?:Inc|Co|Corp|Ltd|Jr|Sr)\.$")


@dataclass(frozen=True)
class Fields:
    title: str | None = None
    provider: str | None = None
    completed_on: date | None = None
    started_on: date | None = None
    quantity: Decimal | None = None
    kind: str | None = None


def read_text(text: str) -> Fields:
    """The fields a certificate's text shows (any of them None when not found)."""
    text = _tidy(text)
    lines = text.split("\n")
    period = find_period(text)
    kind, quantity = find_amount(text)
    title = None
    transcript = find_transcript_line(lines)
    if transcript:
        kind, title, quantity = "college-credit", *transcript
    elif EMPLOYMENT.search(text) and period:
        kind, quantity = "job", full_time_months(*period)
    started_on, completed_on = period if kind == "job" else (None, None)
    completed_on = completed_on or completion_date(text, find_dates(text))
    if title is None:
        title = find_position(text) if kind == "job" else find_title(lines)
    provider = find_provider(text, lines, title)
    if kind is None and (title or completed_on or quantity is not None):
        kind, quantity = suggest_kind(_without(text, provider), quantity)
    return Fields(title=title, provider=provider, completed_on=completed_on,
                  started_on=started_on, quantity=quantity, kind=kind)


def _without(text: str, part: str | None) -> str:
    return text.replace(part, " ") if part else text


def _tidy(text: str) -> str:
    """One space between words, no blank lines, plain quotes and dashes."""
    text = text.replace("\u00a0", " ").replace("\u2019", "'").replace("\ufb01", "fi")
    # OCR reads what is left of a table's lines as a lone "|" or "_", a speck between a
    # month and its day as a mark ("May'4", "March.1"), and one after an amount as a stop.
    text = re.sub(r"(?<=\s)[|_](?=\s)", " ", text)
    text = re.sub(r"(?<=[a-z])['.,`](?=\d)", " ", text)
    text = re.sub(r"(?<=\d)\.(?=\s+(?:hours?|hrs)\b)", "", text, flags=re.I)
    lines = (re.sub(r"[ \t]+", " ", line).strip(" |_~*") for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# Hours and kind


def find_amount(text: str) -> tuple[str | None, Decimal | None]:
    """The kind the amount implies and the amount in its unit: credit hours make a college
    course for credit; CEUs and hours are hours (kind left to `suggest_kind`)."""
    credits = _first_number(text, CREDIT_LABEL, CREDIT_HOURS)
    if credits is not None:
        return "college-credit", credits
    ceus = _first_number(text, CEU_LABEL, CEUS)
    hours = _first_number(text, HOURS_LABEL, HOURS)
    if hours is None and ceus is not None:
        hours = _number(str(ceus * 10))  # 0.8 CEU is 8 hours, written "8"
    return None, hours


def find_transcript_line(lines: list[str]) -> tuple[str, Decimal | None] | None:
    """A transcript's course title and credit hours, when the text has a column of them."""
    if not any(re.search(r"\bcredit", line, re.I) for line in lines):
        return None
    for line in lines:
        match = TRANSCRIPT_LINE.match(line)
        if match:
            return match.group("title").strip(), _number(match.group("number"))
    return None


def _first_number(text: str, label: re.Pattern, free: re.Pattern) -> Decimal | None:
    """The number after a label ("Hours: 8"), else the first one written with its unit."""
    match = label.search(text) or free.search(text)
    if match is None:
        return None
    number = _number(match.group("number"))
    if match.groupdict().get("quarter") and number is not None:
        return _number(str(round(number * 2 / 3, 2)))  # a quarter credit is 2/3 of one
    return number


def _number(written: str) -> Decimal | None:
    try:
        number = Decimal(written)
    except InvalidOperation:
        return None
    # "8.0" is 8 and "0.50" is 0.5, written without an exponent.
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def suggest_kind(text: str, hours: Decimal | None) -> tuple[str, Decimal | None]:
    """The kind the words suggest (the provider's name left out), and its amount."""
    if CERTIFICATION_AWARD.search(text) and hours is None:
        return "certification", Decimal(1)
    if VOLUNTEERING.search(text):
        return "volunteering", hours
    if CONFERENCE.search(text):
        return "conference", hours
    return "training", hours


# Title, position and provider


def find_title(lines: list[str]) -> str | None:
    """The title after a label ("Course:"), or after "has completed" and the like; else the
    first line that names a course or event; else the first line that could be a title."""
    for index, line in enumerate(lines):
        label = TITLE_LABELS.match(line)
        if label:
            return _clean_title(line[label.end():] or _line_after(lines, index))
    for index, line in enumerate(lines):
        for lead in TITLE_LEADS.finditer(line):
            rest = line[lead.end():].strip()
            if len(rest) <= 3 or COURSE_WORDS.fullmatch(rest):  # "completing the webinar"
                rest = _line_after(lines, index)
            title = _clean_title(rest)
            if title:
                return title
    candidates = [line for line in lines if _could_be_title(line) and not _names(line, lines)]
    named = [line for line in candidates if COURSE_WORDS.search(line)]
    return _clean_title((named or candidates)[0]) if candidates else None


def _line_after(lines: list[str], index: int) -> str:
    return lines[index + 1] if index + 1 < len(lines) else ""


def _clean_title(title: str) -> str | None:
    """The title alone: without what follows it in a sentence (", held in", " on June 9"),
    a trailing amount in brackets, or quotes. None when it is not one: a date, an amount."""
    title = TITLE_ENDS.split(title)[0]
    title = re.sub(r"\s*\([^)]*\b(?:hours?|hrs|CEUs?|credits?)\b[^)]*\)\s*$", "", title,
                   flags=re.I)
    title = title.strip(" .,:;\"'")
    amount = HOURS.match(title)  # "10 hours of sessions" is no title; "30-Hour Safety" is
    if amount and re.match(r"\s*(?:of\b|$)", title[amount.end():]):
        return None
    if find_dates(title) or BOILERPLATE.search(title):
        return None
    return title if len(re.findall(r"[A-Za-z]", title)) >= 3 else None


def _could_be_title(line: str) -> bool:
    return (not BOILERPLATE.search(line) and not find_dates(line) and not HOURS.search(line)
            and not LABELLED.match(line)
            and not ORGANIZATION_WORDS.search(line) and 6 <= len(line) <= 90
            and len(re.findall(r"[A-Za-z]", line)) >= len(line) * 0.6)


def person_names(lines: list[str]) -> set[str]:
    """The person's name: after "this certifies that", "presented to", "Name:"."""
    names = set()
    for index, line in enumerate(lines):
        lead = NAME_LEADS.search(line)
        if lead:
            rest = line[lead.end():].strip()
            name = " ".join((rest or _line_after(lines, index)).split()[:3])
            if len(name) > 3:
                names.add(name)
    return names


def _names(line: str, lines: list[str]) -> bool:
    """Whether the line holds the person's name."""
    return any(name in line for name in person_names(lines))


def find_position(text: str) -> str | None:
    match = POSITION.search(text)
    return match.group("position").strip() if match else None


def find_provider(text: str, lines: list[str], title: str | None) -> str | None:
    """A labeled issuer; an employer; a letter's letterhead; else the first line with an
    organization's name (a sure word first, "Department of the Army" last), never the title
    or the person."""
    for index, line in enumerate(lines):
        label = PROVIDER_LABELS.match(line)
        if label:
            provider = _clean_provider(line[label.end():] or _line_after(lines, index))
            if provider:
                return provider
    employer = EMPLOYER.search(text)
    if employer:
        return _clean_provider(employer.group("employer"))
    if LETTER.search(text) and _could_be_organization(lines[0], lines, title):
        return _clean_provider(lines[0])
    found = _organization_lines(ORGANIZATION_WORDS, lines, title)
    if found:
        return _clean_provider(found[0])
    if _could_be_organization(lines[0], lines, title) and _is_title_case(lines[0]):
        return _clean_provider(lines[0])  # a heading such as "American Red Cross"
    found = _organization_lines(MAYBE_ORGANIZATION_WORDS, lines, title)
    return _clean_provider(found[0]) if found else None


def _organization_lines(words: re.Pattern, lines: list[str], title: str | None) -> list[str]:
    """The lines that could be an organization's name, with one of `words`; a parent
    heading ("Department of the Army") last."""
    found = [line for line in lines
             if words.search(line) and _could_be_organization(line, lines, title)]
    return sorted(found, key=lambda line: bool(PARENT_ORGANIZATION.match(line)))


def _is_title_case(line: str) -> bool:
    words = re.findall(r"[A-Za-z]+", line)
    return 2 <= len(words) <= 8 and all(word[0].isupper() or len(word) <= 3 for word in words)


def _could_be_organization(line: str, lines: list[str], title: str | None) -> bool:
    return (not (title and title.lower() in line.lower()) and not _names(line, lines)
            and not BOILERPLATE.search(line) and not find_dates(line) and len(line) <= 80
            and not TITLE_LEADS.search(line) and not HOURS.search(line))


def _clean_provider(provider: str) -> str | None:
    """Without the signer before it ("Dana Ruiz, Instructor"), "the", or a last period."""
    provider = SIGNER.sub("", LABELLED.sub("", provider.strip()))
    provider = ORGANIZATION_SPEAKS.split(provider)[0]
    provider = re.sub(r"^the\s+", "", provider.strip(" ,:;\"'"), flags=re.I)
    if provider.endswith(".") and not ABBREVIATED_END.search(provider):
        provider = provider[:-1]
    return provider if len(re.findall(r"[A-Za-z]", provider)) >= 3 else None
