"""A query mistake as the analyst should see it: what is wrong, where, in Vietnamese or English.

Never a stack trace and never a 500: the web page shows `message`, the CLI prints `pointer`.
"""

from __future__ import annotations

# code: (Vietnamese, English); {field}, {operator}, {limit}, {value}, {known} are filled in.
MESSAGES = {
    "unclosed_quote": ("Thiếu dấu ngoặc kép đóng cho cụm từ này", "This quote is never closed"),
    "unclosed_paren": ("Thiếu dấu ) cho dấu ( này", "This ( is never closed"),
    "unopened_paren": ("Dấu ) thừa: không có dấu ( nào mở trước", "This ) closes nothing"),
    "empty_parens": ("Trong ngoặc () chưa có gì để tìm", "Nothing to search inside ()"),
    "no_words": (
        "Truy vấn không có từ nào để tìm (chỉ có dấu hoặc ký hiệu)",
        "The query has no words to search (only punctuation or symbols)",
    ),
    "no_prefix": (
        "Không tìm được theo phần đầu của từ (dấu *): gõ cả âm tiết, ví dụ ngập thay cho ng*",
        "Prefix search (*) is not supported: type whole syllables, e.g. ngập rather than ng*",
    ),
    "empty_phrase": ("Cụm từ trong ngoặc kép không có chữ nào", "The quoted phrase has no words"),
    "missing_left": ("{operator} cần một từ ở phía trước", "{operator} needs something before it"),
    "missing_right": ("{operator} cần một từ ở phía sau", "{operator} needs something after it"),
    "dangling_exact": (
        'Dấu = phải đứng ngay trước một từ hoặc "cụm từ"',
        'The = sign must stand right before a word or a "phrase"',
    ),
    "missing_value": ("Trường {field}: chưa có giá trị", "Field {field}: has no value"),
    "nested_field": (
        "Không thể đặt trường {field}: bên trong một trường khác",
        "Field {field}: cannot sit inside another field",
    ),
    "unknown_field": (
        'Không có trường "{field}". Các trường: {known}. Muốn tìm nguyên văn, đặt trong ngoặc kép',
        'No field "{field}". Fields: {known}. To search the text itself, put it in quotes',
    ),
    "bad_date": (
        "Ngày không hợp lệ: {value} (viết 2017-03-15, 15/03/2017, 03/2017, 2017 hoặc 7d)",
        "Not a date: {value} (write 2017-03-15, 15/03/2017, 03/2017, 2017 or 7d)",
    ),
    "reversed_dates": (
        "Ngày bắt đầu sau ngày kết thúc: {value}",
        "The range ends before it starts: {value}",
    ),
    "bad_value": (
        "Giá trị {value} không dùng được cho {field}: (dùng: {known})",
        "{value} is not a value of {field}: (use: {known})",
    ),
    "too_long": (
        "Câu tìm kiếm dài quá {limit} ký tự",
        "The query is longer than {limit} characters",
    ),
    "too_deep": (
        "Câu tìm kiếm lồng quá {limit} lớp ngoặc hoặc NOT",
        "The query nests more than {limit} parentheses or NOTs",
    ),
    "too_many_terms": ("Câu tìm kiếm có quá {limit} từ", "The query has more than {limit} terms"),
}


class QueryError(ValueError):
    """A query the parser cannot read: a message code, the position (0-based) and details."""

    def __init__(self, code: str, position: int, **details: object) -> None:
        self.code = code
        self.position = position
        self.details = details
        super().__init__(self.message("en"))

    def message(self, language: str = "vi") -> str:
        """The explanation, Vietnamese by default."""
        vi, en = MESSAGES[self.code]
        return (en if language == "en" else vi).format(**self.details)

    def pointer(self, query: str, language: str = "vi") -> str:
        """The message, the query and a caret under the faulty position."""
        where = "vị trí" if language != "en" else "position"
        line = query.replace("\n", " ").replace("\t", " ")
        return f"{self.message(language)} ({where} {self.position + 1})\n  {line}\n  " + (
            " " * self.position + "^"
        )
