"""Files attached to an answer: type read from the content, size limited, name made random.

A file is stored under <data>/attachments/ with a random name and the extension of its real type;
whatever it claims to be, only PDF, DOCX, XLSX, PNG and JPEG are kept, and never served as HTML.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from baochi.phrase import Phrase

ATTACHMENTS_DIR = "attachments"

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG, JPEG = "image/png", "image/jpeg"
EXTENSIONS = {
    PDF: (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
}


class AttachmentRejected(ValueError):
    """A file refused, with the reason in Vietnamese (a Phrase when it has dynamic parts)."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file written to the attachments folder."""

    stored_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def _office_type(content: bytes) -> str | None:
    """DOCX or XLSX by the parts inside the ZIP container, not by the name."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, among those accepted; None for anything else."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    return None


def check(filename: str, content: bytes, max_bytes: int) -> str:
    """The file's content type if it is acceptable; AttachmentRejected says why not."""
    if not content:
        raise AttachmentRejected("tệp rỗng")
    if len(content) > max_bytes:
        # Only the limit and one byte more are read of an upload: its size is not known.
        limit = round(max_bytes / 2**20, 1)  # in MB as the form says it (2^20 bytes)
        raise AttachmentRejected(Phrase("tệp quá lớn: tối đa {limit:g} MB", limit=limit))
    kind = sniff(content)
    if kind is None:
        raise AttachmentRejected(
            "chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG; nội dung tệp không thuộc loại nào trong số đó"
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS[kind]:
        raise AttachmentRejected(
            Phrase(
                "đuôi tệp {suffix} không khớp nội dung ({kind})",
                suffix=suffix or Phrase("(không có)"),
                kind=EXTENSIONS[kind][0],
            )
        )
    return kind


def store(data_dir: Path, filename: str, content: bytes, max_bytes: int) -> StoredFile:
    """Check a file and write it under a random name; the original name is kept only as a label."""
    kind = check(filename, content, max_bytes)
    folder = data_dir / ATTACHMENTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + EXTENSIONS[kind][0]
    with open(folder / stored_name, "xb") as f:
        f.write(content)
    original = PurePath(filename.replace("\\", "/")).name[:200] or "tep"
    return StoredFile(
        stored_name, original, kind, len(content), hashlib.sha256(content).hexdigest()
    )


def type_of(stored_name: str) -> str:
    """The checked content type of a stored file, from the extension we gave it."""
    suffix = PurePath(stored_name).suffix.lower()
    return next((kind for kind, ends in EXTENSIONS.items() if suffix in ends), "")


def path_of(data_dir: Path, stored_name: str) -> Path:
    """Where a stored file is; a name that is not one of ours is refused."""
    if PurePath(stored_name).name != stored_name or stored_name.startswith("."):
        raise AttachmentRejected("tên tệp không hợp lệ")
    return data_dir / ATTACHMENTS_DIR / stored_name
