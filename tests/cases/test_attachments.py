"""Attached files: the type is read from the bytes, the name is ours, the size is bounded."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from baochi.cases.attachments import (
    DOCX,
    PDF,
    XLSX,
    AttachmentRejected,
    check,
    path_of,
    store,
)

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
MB = 1_000_000
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["Chỉ tiêu", "Giá trị"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_like() -> bytes:
    """The parts that make a ZIP a Word document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_a_pdf_is_accepted_and_stored_under_a_random_name(tmp_path):
    stored = store(tmp_path, "Công văn số 123.pdf", PDF_BYTES, MB)
    assert stored.content_type == PDF and stored.size == len(PDF_BYTES)
    assert stored.original_name == "Công văn số 123.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.stored_name)
    assert path_of(tmp_path, stored.stored_name).read_bytes() == PDF_BYTES
    assert store(tmp_path, "a.pdf", PDF_BYTES, MB).stored_name != stored.stored_name


def test_html_renamed_pdf_is_refused(tmp_path):
    with pytest.raises(AttachmentRejected, match="PDF, DOCX"):
        store(tmp_path, "cong-van.pdf", HTML, MB)
    assert not (tmp_path / "attachments").exists() or not any((tmp_path / "attachments").iterdir())


def test_office_files_are_told_apart_by_their_parts():
    assert check("bang.xlsx", xlsx_bytes(), MB) == XLSX
    assert check("thu.docx", docx_like(), MB) == DOCX
    with pytest.raises(AttachmentRejected, match="không khớp"):
        check("bang.docx", xlsx_bytes(), MB)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("index.html", HTML)
    with pytest.raises(AttachmentRejected):
        check("thu.docx", plain_zip.getvalue(), MB)


def test_size_and_emptiness_are_bounded():
    with pytest.raises(AttachmentRejected, match="quá lớn"):
        check("a.pdf", PDF_BYTES + b"0" * 2000, max_bytes=1000)
    with pytest.raises(AttachmentRejected, match="rỗng"):
        check("a.pdf", b"", MB)


def test_paths_outside_the_folder_are_refused(tmp_path):
    stored = store(tmp_path, "../../etc/passwd.pdf", PDF_BYTES, MB)
    assert stored.original_name == "passwd.pdf"
    for name in ("../x.pdf", "a/b.pdf", ".hidden"):
        with pytest.raises(AttachmentRejected):
            path_of(tmp_path, name)
