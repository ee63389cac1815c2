"""The analysts' query language, parsed into a tree; a mistake is a QueryError at a position.

    hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"   outlet:"tuổi trẻ" date:2017-03..2017-04

Syllables typed together are grouped into Vietnamese words by a dictionary ("hà nội" is one word,
not "hà" somewhere and "nội" elsewhere); "quotes" make a phrase; `=` asks for the exact
diacritics; NOT binds tightest, then AND (or nothing), then OR.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from baochi import hanoi_time
from baochi.search import labels
from baochi.search.errors import QueryError
from baochi.search.tree import (
    LABEL_FIELDS,
    Dates,
    Everything,
    Label,
    Node,
    Not,
    Words,
    conjoin,
    disjoin,
)
from baochi.vi import fold, normalize

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
MAX_DEPTH = 32

_SYLLABLE = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
_FIELD = re.compile(r"([^\W\d]\w*):[ \t]*")
_WORD_END = re.compile(r"[\s()\"“”]")
_CLOSING_QUOTE = {'"': '"', "“": "”"}
_OPERATORS = ("AND", "OR", "NOT")
_STOPS = ("AND", "OR", ")", "end")


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit: kind is word, phrase, field, exact, (, ), AND, OR, NOT or end;
    `joined` is False for a word after dropped punctuation ("ngập & lụt" is two words)."""

    kind: str
    text: str
    position: int
    joined: bool = True


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens, each with the position in `query` where it starts."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    gap = False
    while i < n:
        char = query[i]
        if char.isspace():
            i = _SPACE.match(query, i).end()  # type: ignore[union-attr]
        elif char in "()":
            tokens.append(Token(char, char, i))
            i += 1
        elif char in _CLOSING_QUOTE:
            close = query.find(_CLOSING_QUOTE[char], i + 1)
            if close < 0 and char == "“":
                close = query.find('"', i + 1)
            if close < 0:
                raise QueryError("unclosed_quote", i)
            tokens.append(Token("phrase", normalize(query[i + 1 : close]), i))
            i = close + 1
        elif char == "=" or (char == "-" and i + 1 < n and _negatable(query[i + 1])):
            if char == "=" and (i + 1 >= n or query[i + 1].isspace()):
                raise QueryError("dangling_exact", i)
            tokens.append(Token("exact" if char == "=" else "NOT", char, i))
            i += 1
        elif (field := _FIELD.match(query, i)) and (name := labels.field_name(field.group(1))):
            tokens.append(Token("field", name, i))
            i = field.end()
        else:
            end = _WORD_END.search(query, i + 1)
            stop = end.start() if end else n
            if (star := query.find("*", i, stop)) >= 0:  # dropped, it would widen the query
                raise QueryError("no_prefix", star)
            if field and field.end() == field.end(1) + 1 and stop > field.end():
                raise QueryError("unknown_field", i, field=field.group(1), known=_FIELD_LIST)
            word = normalize(query[i:stop])
            kind = word if word in _OPERATORS else "word"
            if kind != "word" or _SYLLABLE.search(word):
                tokens.append(Token(kind, word, i, joined=not gap))
            gap = kind == "word" and not _SYLLABLE.search(word)  # bare punctuation: no term
            i = stop
    tokens.append(Token("end", "", n))
    return tokens


_FIELD_LIST = "title, outlet, topic, tone, place, hanoi, story, kind, platform, date"


def _negatable(char: str) -> bool:
    """A minus is NOT only before something that can be negated ("-19" stays a number)."""
    return char.isalpha() or char in '("“='


# underthesea (a dependency) ships a 74,000-entry Vietnamese word list, one word per line.
_WORD_LIST = ("corpus", "data", "Viet74K.txt")
LONGEST_WORD = 4


def _word_list() -> Path:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("underthesea is not installed; its word list groups query syllables")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*_WORD_LIST)


@lru_cache(maxsize=1)
def compounds() -> frozenset[str]:
    """Folded words of two to LONGEST_WORD syllables ("ha noi", "giao thong", "ung ngap")."""
    folded = fold(_word_list().read_text(encoding="utf-8"))
    found = set()
    for line in folded.splitlines():
        parts = line.replace("-", " ").split()
        if 1 < len(parts) <= LONGEST_WORD and all(p.isalnum() for p in parts):
            found.add(" ".join(parts))
    return frozenset(found)


def group(syllables: Sequence[str]) -> list[tuple[int, int]]:
    """Split a run of typed syllables into the fewest dictionary words, as (start, end) spans.

    Fewest words rather than greedy longest-first: "an toàn thực phẩm" is two words even if
    "toàn thực" were one; ties keep the earlier word; a syllable in no known word stands alone.
    """
    keys = [fold(s) for s in syllables]
    known = compounds()
    n = len(keys)
    best: list[tuple[int, int]] = [(0, 0)] + [(n + 1, 0)] * n  # (words so far, previous cut)
    for end in range(1, n + 1):
        for size in range(1, min(LONGEST_WORD, end) + 1):
            start = end - size
            if size > 1 and " ".join(keys[start:end]) not in known:
                continue
            if best[start][0] + 1 < best[end][0]:
                best[end] = (best[start][0] + 1, start)
    spans = []
    end = n
    while end > 0:
        start = best[end][1]
        spans.append((start, end))
        end = start
    return spans[::-1]


class Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*; unary := NOT unary |
    ( or ) | field: unary | =term | term."""

    def __init__(self, query: str, today: dt.date) -> None:
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError("too_long", MAX_QUERY_CHARS, limit=MAX_QUERY_CHARS)
        self.query = query
        self.tokens = tokenize(query)
        self.index = 0
        self.today = today
        self.terms = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if self.current.kind == "end":
            if self.query.strip():  # only symbols: searching nothing would list every document
                raise QueryError("no_words", len(self.query) - len(self.query.lstrip()))
            return Everything()
        node = self.parse_or(None)
        if self.current.kind == ")":
            raise QueryError("unopened_paren", self.current.position)
        return node

    def parse_or(self, field: str | None) -> Node:
        items = [self.parse_and(field)]
        while self.current.kind == "OR":
            operator = self.take()
            if self.current.kind in _STOPS:
                raise QueryError("missing_right", operator.position, operator="OR")
            items.append(self.parse_and(field))
        return disjoin(items)

    def parse_and(self, field: str | None) -> Node:
        items: list[Node] = []
        while self.current.kind not in ("OR", ")", "end"):
            token = self.current
            if token.kind == "AND":
                if not items:
                    raise QueryError("missing_left", token.position, operator="AND")
                self.take()
                if self.current.kind in _STOPS:
                    raise QueryError("missing_right", token.position, operator="AND")
            else:
                items.append(self.parse_unary(field))
        if not items:
            token = self.current
            if token.kind == "OR":
                raise QueryError("missing_left", token.position, operator="OR")
            raise QueryError("unopened_paren", token.position)
        return conjoin(items)

    def parse_unary(self, field: str | None) -> Node:
        token = self.take()
        if token.kind in ("NOT", "("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError("too_deep", token.position, limit=MAX_DEPTH)
            try:
                return self.parse_nested(token, field)
            finally:
                self.depth -= 1
        if token.kind == "field":
            if field is not None:
                raise QueryError("nested_field", token.position, field=token.text)
            if self.current.kind in ("NOT", "field", *_STOPS):
                raise QueryError("missing_value", token.position, field=token.text)
            return self.parse_unary(token.text)
        if token.kind == "exact":
            if self.current.kind not in ("word", "phrase"):
                raise QueryError("dangling_exact", token.position)
            return self.term(self.take(), field, exact=True)
        if token.kind == "word" and field != "date" and _SYLLABLE.fullmatch(token.text):
            return self.word(token, field)
        return self.term(token, field, exact=False)

    def word(self, first: Token, field: str | None) -> Node:
        """The dictionary word starting at a bare syllable: "hà" then "nội" is "hà nội", so
        NOT and fields apply to the whole word, as the analyst reads it."""
        run = [first]
        while (after := self.current).kind == "word" and after.joined:
            if not _SYLLABLE.fullmatch(after.text):
                break
            run.append(self.take())
        _, end = group([t.text.lower() for t in run])[0]
        self.index -= len(run) - end
        words = Token("word", " ".join(t.text for t in run[:end]), first.position)
        return self.term(words, field, exact=False)

    def parse_nested(self, token: Token, field: str | None) -> Node:
        """What follows a NOT, or a parenthesised group."""
        if token.kind == "NOT":
            if self.current.kind in _STOPS:
                raise QueryError("missing_right", token.position, operator="NOT")
            return Not(self.parse_unary(field))
        if self.current.kind == ")":
            raise QueryError("empty_parens", token.position)
        if self.current.kind == "end":
            raise QueryError("unclosed_paren", token.position)
        node = self.parse_or(field)
        if self.current.kind != ")":
            raise QueryError("unclosed_paren", token.position)
        self.take()
        return node

    def term(self, token: Token, field: str | None, exact: bool) -> Node:
        """A word or phrase: text to find, or the value of a label or date field."""
        if field == "date":
            start, end = labels.date_range(token.text, token.position, self.today)
            return Dates(start, end, token.position)
        if field in LABEL_FIELDS:
            value = labels.label_value(field, token.text, token.position)
            return Label(field, value, token.position)
        syllables = _SYLLABLE.findall(token.text.lower() if exact else _folding_case(token.text))
        if not syllables:
            raise QueryError("empty_phrase", token.position)
        self.count(token.position)
        return Words(tuple(syllables), exact, field == "title", token.position)

    def count(self, position: int) -> None:
        """Refuse queries so large that they are an attack, not a question."""
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError("too_many_terms", position, limit=MAX_TERMS)


def _folding_case(text: str) -> str:
    """Lower case without the combining marks no letter took ("İ" lowers to "i" and a dot): the
    words index folds them away, so they must not split a word there ("i stanbul")."""
    low = unicodedata.normalize("NFC", text.lower())
    return "".join(char for char in low if not unicodedata.combining(char))


def narrow(query: str, term: str) -> str:
    """The query kept to what a term also matches (a facet's bucket, a period): in parentheses
    when it has an OR outside them, which would take the term for its last alternative's only."""
    depth = 0
    for token in tokenize(query):
        depth += (token.kind == "(") - (token.kind == ")")
        if token.kind == "OR" and not depth:
            return f"({query}) {term}"
    return f"{query} {term}".strip()


def parse(query: str, today: dt.date | None = None) -> Node:
    """The tree of a query; `today` (Hà Nội) anchors relative dates such as `date:7d`."""
    return Parser(query, today or hanoi_time.today()).parse()
