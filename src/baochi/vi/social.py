"""Social-media Vietnamese made analysable: teencode, abbreviations, stretched letters, emoji.

Comments and posts write "ko" for "không", "dc" for "được", "quáaaa" for "quá" and ":))" for a
laugh; models and watchlists see the same words either way once this has run. The dictionary
is data (data/teencode.csv); text typed without any diacritics (`carries_diacritics` tells) is
best matched through `fold`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from baochi.vi.normalize import fold, normalize
from baochi.vi.syllables import is_folded_syllable, is_syllable

_EMOJI = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff\u3030\u303d"
    "\u2764\ufe0f"
)
_EMOJI_RUN = re.compile(f"([{_EMOJI}])(?:\\1|\ufe0f)*")
_WORD = re.compile(r"[^\W\d_]+")
_LAUGH = re.compile(r"(?:k{3,}|(?:h[aiueê]){2,}h?|(?:k?h[aiue]){2,})", re.IGNORECASE)
# Teencode spellings of whole sounds: "fải" -> "phải", "wá" -> "quá", "jờ" -> "giờ".
_SOUND_SWAPS = (("f", "ph"), ("w", "qu"), ("j", "gi"), ("dz", "d"))


@dataclass(frozen=True)
class _Teencode:
    """data/teencode.csv as lookups: single words, multi-word phrases and emoticons."""

    words: dict[str, str]
    phrases: dict[str, str]
    emoticons: dict[str, str]
    phrase_re: re.Pattern[str]
    emoticon_re: re.Pattern[str]


def _alternation(keys: dict[str, str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


@cache
def _teencode() -> _Teencode:
    text = (resources.files("baochi.vi") / "data" / "teencode.csv").read_text(encoding="utf-8")
    tables: dict[str, dict[str, str]] = {"word": {}, "phrase": {}, "emoticon": {}}
    for row in csv.DictReader(text.splitlines()):
        short = row["short"]
        table = "emoticon" if row["kind"] == "emoticon" else "phrase" if " " in short else "word"
        tables[table][short if table == "emoticon" else short.lower()] = row["full"]
    return _Teencode(
        tables["word"],
        tables["phrase"],
        tables["emoticon"],
        re.compile(rf"(?<![^\W_])(?:{_alternation(tables['phrase'])})(?![^\W_])", re.IGNORECASE),
        re.compile(rf"(?<!\S)(?:{_alternation(tables['emoticon'])})+(?!\S)"),
    )


@lru_cache(maxsize=65536)
def _squeeze(word: str) -> str:
    """Letters stretched for emphasis back to one: "quáaaa" -> "quá", "điiii" -> "đi"."""
    groups: list[list[str]] = []
    for char in word:
        if groups and fold(groups[-1][0]) == fold(char):
            groups[-1].append(char)
        else:
            groups.append([char])
    out = "".join(
        max(g, key=lambda c: (c != fold(c), c.isupper())) if len(g) >= 3 else "".join(g)
        for g in groups
    )
    if not is_syllable(out):
        for i, group in enumerate(groups):
            if len(group) == 2:
                shorter = "".join(
                    max(g, key=lambda c: c != fold(c)) if j == i else "".join(g)
                    for j, g in enumerate(groups)
                )
                if is_syllable(shorter):
                    return shorter
    return out


@lru_cache(maxsize=65536)
def _word(word: str) -> str:
    """One word in standard spelling, keeping a leading capital."""
    words = _teencode().words
    if _LAUGH.fullmatch(word):
        return word
    low = _squeeze(word.lower())
    full = words.get(low)
    if full is None and not is_syllable(low):
        for old, new in _SOUND_SWAPS:
            if low.startswith(old) and is_syllable(new + low[len(old) :]):
                full = new + low[len(old) :]
                break
    if full is None:
        full = low if low != word.lower() else word
    if word[:1].isupper() and full[:1].islower():
        full = full[:1].upper() + full[1:]
    return full


def normalize_social(text: str) -> str:
    """Teencode and abbreviations expanded, stretched letters squeezed, emoticons as emoji.

    "ko bik j hết á :))" -> "không biết gì hết á 😆"; repeated emoji collapse to one and stand
    apart from the words around them.
    """
    teencode = _teencode()
    text = normalize(text)
    text = teencode.emoticon_re.sub(lambda m: f" {_emoticons(m.group(), teencode)} ", text)
    text = _EMOJI_RUN.sub(lambda m: f" {m.group(1)} ", text)
    text = teencode.phrase_re.sub(lambda m: teencode.phrases[m.group().lower()], text)
    text = _WORD.sub(lambda m: _word(m.group()), text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def carries_diacritics(text: str) -> bool:
    """True when a text is typed with Vietnamese diacritics: at least one of its Vietnamese words
    in four carries them. Plain names, abbreviations and foreign words do not tip it either way.
    """
    marked = plain = 0
    for word in _WORD.findall(normalize(text).lower()):
        if fold(word) != word:
            marked += 1
        elif is_folded_syllable(word):
            plain += 1
    return marked > 0 and 3 * marked >= plain


def _emoticons(run: str, teencode: _Teencode) -> str:
    """A run of emoticons (":)):))") as its emoji, repeats collapsed."""
    keys = sorted(teencode.emoticons, key=len, reverse=True)
    out: list[str] = []
    while run:
        key = next(k for k in keys if run.startswith(k))
        emoji = teencode.emoticons[key]
        if not out or out[-1] != emoji:
            out.append(emoji)
        run = run[len(key) :]
    return " ".join(out)
