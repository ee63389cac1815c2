"""A message with dynamic parts reads in Vietnamese word for word as before, or in English through
the catalogue; and every phrase the register says (a bad form, a bad file, a finished task, an
agency's history) has its English."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from openpyxl import Workbook

import baochi.registry
from baochi.phrase import Joined, Phrase, phrase_of
from baochi.registry import (
    ENTITIES,
    RegistryImportError,
    RegistryStore,
    SchemeError,
    agency_history,
    check,
    complete_action,
    read_csv,
    read_file,
    read_xlsx,
    restore,
    retire,
    save,
)
from baochi.registry.validate import Known
from baochi.web import i18n

ENGLISH = i18n.EN | json.loads(
    (Path(baochi.registry.__file__).parent / "templates" / i18n.AREA_CATALOGUE).read_text("utf-8")
)


def _english(text: str, count: float) -> str:
    """`_n` of an English page, over the shell's and the register's catalogues."""
    found = ENGLISH.get(text, text)
    return found if isinstance(found, str) else found[0 if count == 1 else -1]


def test_a_phrase_is_filled_after_it_is_translated() -> None:
    field = Joined((Phrase("Ngày cấp"), "(issued_on)"), " ")
    late = Phrase(
        "{then} ({end:%d/%m/%Y}) trước {first} ({start:%d/%m/%Y})",
        then=Phrase("Ngày hết hạn"),
        end=dt.date(2025, 5, 1),
        first=field,
        start=dt.date(2026, 5, 1),
    )
    assert str(late) == "Ngày hết hạn (01/05/2025) trước Ngày cấp (issued_on) (01/05/2026)"
    assert (
        late.said(_english)
        == "Expires on (01/05/2025) is before Issued on (issued_on) (01/05/2026)"
    )
    missing = Phrase("thiếu cột {columns}", n=2, columns=Joined([field, field], ", "))
    assert missing.said(_english).startswith("missing columns Issued on")
    merger = Phrase(
        "hình thức {kind} cần cơ quan sau sắp xếp (target)", kind=Phrase("Sáp nhập", lower=True)
    )
    assert str(merger) == "hình thức sáp nhập cần cơ quan sau sắp xếp (target)"
    assert merger.said(_english) == "a merger needs the agency after the restructuring (target)"
    braces = ValueError("không đọc được dòng {3}")  # another module's text, with no parts
    assert phrase_of(braces).said(_english) == "không đọc được dòng {3}"
    assert phrase_of(SchemeError(merger)) is merger and str(SchemeError(merger)) == str(merger)


def _said(problems: Iterable[Phrase | Joined], asked: set[str]) -> None:
    """Say each problem, noting every phrase it asks the catalogue for."""

    def say(text: str, count: float) -> str:
        asked.add(text)
        return text

    for problem in problems:
        problem.said(say)


def _refused(*sheets: tuple[str, str]) -> list[Phrase | Joined]:
    with pytest.raises(RegistryImportError) as caught:
        check([read_csv(text.encode(), name) for name, text in sheets], Known())
    return caught.value.problems


BAD = (
    ("bodies", "code,name,level,type,parent\na,A,city,government,b\nb,B,city,party,a\n"
               "c,C,city,government,c\n"),
    ("agencies", "code,name,body,city,email,head_as_of\nx y,,zz,có lẽ,sai,13/2099\n"
                 "d1,Trùng,a,,,\nd1,Trùng,a,,,\nd2,Trùng,a,,,\ne,E,a,,,,thừa\n"
                 f"f,{'x' * 301},a,,,\n"),
    ("domains", "domain,agency\nhttp://d1.vn,d1\n"),
    ("licences", "code,agency,issued_on,expires_on\nl1,d1,01/05/2026,01/05/2025\n"
                 "l2,d1,31/02/2026,\n"),
    ("actions", "code,kind,title,members,target,new_body,status,effective_on,completed_on\n"
                "m1,merge,T,d1,,,done,,\nm2,convert,T,d1;d2,d1,,planned,,\n"
                "m3,transfer,T,d1,,,planned,,\nm4,gop,T,d1,,,planned,,\n"
                "m5,dissolve,T,d1,,,done,,2099-01-01\n"),
)  # fmt: skip


def test_every_phrase_the_register_says_has_english(example: RegistryStore, tmp_path: Path) -> None:
    asked: set[str] = set()
    problems = _refused(*BAD) + _refused(("agencies", "code,khac,code\nx,y,z\n"))
    _said(problems, asked)
    _said([Phrase(e.label) for e in ENTITIES.values()], asked)
    book = Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["x"])
    data = io.BytesIO()
    book.save(data)
    unknown = tmp_path / "ghi-chu.csv"
    unknown.write_text("code\n")
    for refused in (lambda: read_xlsx(data.getvalue()), lambda: read_file(unknown)):
        with pytest.raises(RegistryImportError) as caught:
            refused()
        _said([*caught.value.problems, phrase_of(caught.value)], asked)
    for code in ("khong-co", "hn-2026-sap-nhap"):
        with pytest.raises(SchemeError) as finished:
            complete_action(example, code, "hoa", dt.date(2026, 3, 1))
        _said([phrase_of(finished.value)], asked)
    hanoimoi = {**example.row("agencies", "hanoimoi"), "phone": "024 3825 3067"}
    save(example, "agencies", hanoimoi, "hoa")
    retire(example, "domains", "hanoimoi.vn", "hoa")
    restore(example, "domains", "hanoimoi.vn", "hoa")
    events = [
        e for code in ("hanoimoi", "hn-bao-ptth", "cand") for e in agency_history(example, code)
    ]
    assert {e.kind for e in events} == {"action", "licence", "change"}
    _said([e.phrase for e in events], asked)
    worded = {text for text in asked if re.search(r"[^\W\d_]", re.sub(r"\{[^}]*\}", "", text))}
    assert len(worded) > 50 and sorted(worded - set(ENGLISH)) == []
