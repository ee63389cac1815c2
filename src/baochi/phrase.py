"""A message with dynamic parts, kept apart so it can be said in Vietnamese (as it is stored and
printed) or in a page's language: its Vietnamese format template, translated first, then filled.

`Phrase("thiếu {field}", field=Phrase("Tên"))` reads "thiếu Tên", or through a page's `_n` as
`say`, "missing Name". A part that is a Phrase is said in the same language; any other is written
as it is, with the template's format spec ("{day:%d/%m/%Y}"). The catalogue is keyed by the
template; one with no words outside its fields ("{text} ({decision})") needs no English.
Errors carry one as their argument (`raise SchemeError(Phrase(...))`): `str(exc)` stays the
Vietnamese text, and `phrase_of(exc)` gives what a page says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# A phrase as it reads beside a count (a page's `_n`).
Say = Callable[[str, float], str]


def as_written(text: str, count: float) -> str:
    """A phrase as the code writes it: in Vietnamese, the same for any count."""
    return text


class Phrase:
    """A word or a sentence: its Vietnamese text or format template, its parts, and `n`, the
    count it goes with (a word with two English forms takes the one for `n`: 2 names a list);
    `lower` for a label said inside a sentence ("hình thức sáp nhập", "a merger")."""

    __slots__ = ("lower", "n", "parts", "text")

    def __init__(self, text: str, /, *, n: float = 1, lower: bool = False, **parts: Any) -> None:
        self.text, self.n, self.lower, self.parts = text, n, lower, parts

    def said(self, say: Say = as_written) -> str:
        """In Vietnamese, or in a page's language with its `_n` as `say`."""
        text = say(self.text, self.n)
        if self.parts:
            text = text.format(**{name: _said(part, say) for name, part in self.parts.items()})
        return text.lower() if self.lower else text

    def __str__(self) -> str:
        return self.said()

    def __repr__(self) -> str:
        return f"Phrase({self.said()!r})"


class Joined:
    """Parts said one after the other with `sep` between: a row's problems, a list of columns."""

    __slots__ = ("parts", "sep")

    def __init__(self, parts: Iterable[Any], sep: str = "; ") -> None:
        self.parts, self.sep = tuple(parts), sep

    def said(self, say: Say = as_written) -> str:
        """Each part in the language of `say`, joined."""
        return self.sep.join(str(_said(part, say)) for part in self.parts)

    def __str__(self) -> str:
        return self.said()


def _said(part: Any, say: Say) -> Any:
    return part.said(say) if isinstance(part, Phrase | Joined) else part


def phrase_of(error: BaseException) -> Phrase:
    """What an error says: the Phrase it was raised with, else its text (said as the catalogue
    has it, if it does)."""
    given = error.args[0] if len(error.args) == 1 else None
    return given if isinstance(given, Phrase) else Phrase(str(error))
