"""The registry's entities declared once: fields, kinds, choices and references drive every layer.

Validation, storage, CSV/XLSX import-export and the edit forms all read these declarations, so a
field added here appears everywhere. Labels are Vietnamese: the office reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]

# Kinds of field: how a cell is read and checked.
TEXT, DATE, BOOL, CHOICE, REF, REFS, EMAIL, DOMAIN = (
    "text",
    "date",
    "bool",
    "choice",
    "ref",
    "refs",
    "email",
    "domain",
)


@dataclass(frozen=True, slots=True)
class Field:
    """One column of an entity: its name in files and forms, label, kind and constraints."""

    name: str
    label: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    ref: str = ""
    default: Any = None

    def choice_label(self, code: str) -> str:
        """The Vietnamese label of a choice code (the code itself when unknown)."""
        return dict(self.choices).get(code, code)


@dataclass(frozen=True, slots=True)
class Entity:
    """A kind of thing in the register: its key field, fields, and the names it shows under."""

    name: str
    label: str
    plural: str
    key: str
    title: str
    fields: tuple[Field, ...]
    unique_title: bool = False

    def field(self, name: str) -> Field:
        """The field called `name`."""
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def refs(self) -> tuple[Field, ...]:
        """The fields that point at another entity's key."""
        return tuple(f for f in self.fields if f.kind in (REF, REFS))


LEVELS = (("central", "Trung ương"), ("city", "Thành phố"))
BODY_TYPES = (
    ("party", "Cơ quan Đảng"),
    ("government", "Chính quyền"),
    ("ministry", "Bộ, ngành Trung ương"),
    ("department", "Sở, ban, ngành"),
    ("mass_organisation", "Đoàn thể, tổ chức chính trị - xã hội"),
    ("association", "Hội"),
    ("police", "Công an"),
    ("military", "Quân đội"),
)
ROLES = (
    ("national_regulator", "Quản lý nhà nước về báo chí (Trung ương)"),
    ("city_manager", "Quản lý nhà nước về báo chí (Thành phố)"),
    ("party_direction", "Chỉ đạo, định hướng báo chí (Thành ủy)"),
)
HEAD_TITLES = (
    ("Tổng biên tập", "Tổng biên tập"),
    ("Tổng giám đốc", "Tổng giám đốc"),
    ("Giám đốc", "Giám đốc"),
    ("Trưởng Ban Biên tập", "Trưởng Ban Biên tập"),
)
AGENCY_STATUSES = (
    ("active", "Đang hoạt động"),
    ("merged", "Đã sáp nhập"),
    ("converted", "Đã chuyển đổi"),
    ("dissolved", "Đã giải thể, dừng hoạt động"),
)
DOMAIN_ROLES = (("main", "Trang chính"), ("subsite", "Chuyên trang, trang con"))
PUBLICATION_TYPES = (
    ("bao_in", "Báo in"),
    ("bao_dien_tu", "Báo điện tử"),
    ("tap_chi_in", "Tạp chí in"),
    ("tap_chi_dien_tu", "Tạp chí điện tử"),
    ("phat_thanh", "Phát thanh"),
    ("truyen_hinh", "Truyền hình"),
    ("chuyen_trang", "Chuyên trang"),
)
PUBLICATION_STATUSES = (("active", "Đang phát hành"), ("stopped", "Đã dừng"))
LICENCE_STATUSES = (
    ("valid", "Còn hiệu lực"),
    ("expired", "Hết hạn"),
    ("revoked", "Bị thu hồi"),
    ("replaced", "Đã thay thế"),
)
CARD_STATUSES = (
    ("valid", "Còn hiệu lực"),
    ("expired", "Hết hạn"),
    ("revoked", "Bị thu hồi"),
    ("returned", "Đã nộp lại"),
)
ACTION_KINDS = (
    ("merge", "Sáp nhập"),
    ("convert", "Chuyển đổi"),
    ("transfer", "Chuyển cơ quan chủ quản"),
    ("dissolve", "Giải thể, dừng hoạt động"),
)
ACTION_STATUSES = (
    ("planned", "Kế hoạch"),
    ("in_progress", "Đang thực hiện"),
    ("done", "Hoàn thành"),
    ("cancelled", "Hủy bỏ"),
)
# Which agency status a completed action leaves its member agencies in.
ACTION_EFFECT = {"merge": "merged", "convert": "converted", "dissolve": "dissolved"}

PROVENANCE = (
    Field("source", "Nguồn"),
    Field("uncertain", "Chưa chắc chắn", BOOL, default=False),
    Field("note", "Ghi chú"),
)


def _entity(
    name: str, label: str, plural: str, key: str, title: str, *fields: Field, **kw: bool
) -> Entity:
    return Entity(name, label, plural, key, title, (*fields, *PROVENANCE), **kw)


BODIES = _entity(
    "bodies",
    "Cơ quan chủ quản, quản lý",
    "Cơ quan chủ quản, quản lý",
    "code",
    "name",
    Field("code", "Mã", required=True),
    Field("name", "Tên", required=True),
    Field("short_name", "Tên viết tắt"),
    Field("level", "Cấp", CHOICE, True, LEVELS),
    Field("type", "Loại", CHOICE, True, BODY_TYPES),
    Field("parent", "Trực thuộc", REF, ref="bodies"),
    unique_title=True,
)
AUTHORITIES = _entity(
    "authorities",
    "Cơ quan quản lý báo chí",
    "Cơ quan quản lý báo chí theo thời kỳ",
    "code",
    "code",
    Field("code", "Mã", required=True),
    Field("body", "Cơ quan", REF, True, ref="bodies"),
    Field("role", "Vai trò", CHOICE, True, ROLES),
    Field("valid_from", "Từ ngày", DATE),
    Field("valid_to", "Đến ngày", DATE),
)
AGENCIES = _entity(
    "agencies",
    "Cơ quan báo chí",
    "Cơ quan báo chí",
    "code",
    "name",
    Field("code", "Mã", required=True),
    Field("name", "Tên", required=True),
    Field("short_name", "Tên viết tắt"),
    Field("body", "Cơ quan chủ quản", REF, ref="bodies"),
    Field("city", "Báo chí Thành phố", BOOL, default=False),
    Field("head_title", "Chức danh người đứng đầu", CHOICE, choices=HEAD_TITLES),
    Field("head_name", "Người đứng đầu"),
    Field("head_as_of", "Người đứng đầu, theo tin (tháng/năm)"),
    Field("address", "Địa chỉ"),
    Field("phone", "Điện thoại"),
    Field("email", "Thư điện tử", EMAIL),
    Field("founded", "Thành lập, số đầu"),
    unique_title=True,
)
DOMAINS = _entity(
    "domains",
    "Tên miền",
    "Tên miền của cơ quan báo chí",
    "domain",
    "domain",
    Field("domain", "Tên miền", DOMAIN, True),
    Field("agency", "Cơ quan báo chí", REF, True, ref="agencies"),
    Field("role", "Vai trò", CHOICE, choices=DOMAIN_ROLES, default="main"),
    Field("since", "Từ ngày", DATE),
    Field("until", "Đến ngày", DATE),
)
PUBLICATIONS = _entity(
    "publications",
    "Ấn phẩm, kênh",
    "Ấn phẩm và kênh",
    "code",
    "name",
    Field("code", "Mã", required=True),
    Field("agency", "Cơ quan báo chí", REF, True, ref="agencies"),
    Field("type", "Loại hình", CHOICE, True, PUBLICATION_TYPES),
    Field("name", "Tên", required=True),
    Field("language", "Ngôn ngữ", default="vi"),
    Field("frequency", "Kỳ hạn xuất bản"),
    Field("domain", "Tên miền", DOMAIN),
    Field("status", "Tình trạng", CHOICE, choices=PUBLICATION_STATUSES, default="active"),
    Field("stopped_on", "Dừng từ ngày", DATE),
)
LICENCES = _entity(
    "licences",
    "Giấy phép",
    "Giấy phép hoạt động báo chí",
    "code",
    "number",
    Field("code", "Mã", required=True),
    Field("agency", "Cơ quan báo chí", REF, True, ref="agencies"),
    Field("publication", "Ấn phẩm", REF, ref="publications"),
    Field("number", "Số giấy phép"),
    Field("issuer", "Cơ quan cấp", REF, ref="bodies"),
    Field("issued_on", "Ngày cấp", DATE),
    Field("expires_on", "Ngày hết hạn", DATE),
    Field("scope", "Phạm vi, nội dung"),
    Field("status", "Tình trạng", CHOICE, choices=LICENCE_STATUSES, default="valid"),
)
ROUNDS = _entity(
    "rounds",
    "Đợt cấp thẻ nhà báo",
    "Đợt cấp thẻ nhà báo",
    "code",
    "name",
    Field("code", "Mã", required=True),
    Field("name", "Tên đợt", required=True),
    Field("issuer", "Cơ quan cấp", REF, ref="bodies"),
    Field("issued_on", "Ngày cấp", DATE),
    Field("term_start", "Kỳ hạn từ", DATE),
    Field("term_end", "Kỳ hạn đến", DATE),
)
CARDS = _entity(
    "cards",
    "Thẻ nhà báo",
    "Thẻ nhà báo",
    "number",
    "holder",
    Field("number", "Số thẻ", required=True),
    Field("holder", "Người được cấp", required=True),
    Field("agency", "Cơ quan báo chí", REF, True, ref="agencies"),
    Field("round", "Đợt cấp", REF, ref="rounds"),
    Field("issued_on", "Ngày cấp", DATE),
    Field("expires_on", "Ngày hết hạn", DATE),
    Field("status", "Tình trạng", CHOICE, choices=CARD_STATUSES, default="valid"),
)
ACTIONS = _entity(
    "actions",
    "Nhiệm vụ sắp xếp",
    "Đề án sắp xếp: các nhiệm vụ",
    "code",
    "title",
    Field("code", "Mã", required=True),
    Field("kind", "Hình thức", CHOICE, True, ACTION_KINDS),
    Field("title", "Nội dung", required=True),
    Field("scheme", "Đề án, đợt"),
    Field("members", "Các cơ quan được sắp xếp", REFS, True, ref="agencies"),
    Field("target", "Cơ quan sau sắp xếp", REF, ref="agencies"),
    Field("new_body", "Cơ quan chủ quản mới", REF, ref="bodies"),
    Field("decision_number", "Số quyết định"),
    Field("decision_date", "Ngày quyết định", DATE),
    Field("decision_issuer", "Cơ quan ban hành"),
    Field("announced_on", "Ngày công bố", DATE),
    Field("effective_on", "Ngày có hiệu lực", DATE),
    Field("due_on", "Hạn hoàn thành", DATE),
    Field("status", "Tình trạng", CHOICE, choices=ACTION_STATUSES, default="planned"),
    Field("completed_on", "Ngày hoàn thành", DATE),
)
MILESTONES = _entity(
    "milestones",
    "Mốc thực hiện",
    "Mốc thực hiện đề án",
    "code",
    "title",
    Field("code", "Mã", required=True),
    Field("action", "Nhiệm vụ", REF, True, ref="actions"),
    Field("title", "Nội dung", required=True),
    Field("due_on", "Hạn", DATE),
    Field("done_on", "Ngày hoàn thành", DATE),
)

# In dependency order: an entity only refers to entities before it.
ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        BODIES,
        AUTHORITIES,
        AGENCIES,
        DOMAINS,
        PUBLICATIONS,
        LICENCES,
        ROUNDS,
        CARDS,
        ACTIONS,
        MILESTONES,
    )
}


def entity(name: str) -> Entity:
    """The entity called `name`, or a KeyError naming the ones there are."""
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown registry entity {name!r}: {', '.join(ENTITIES)}") from None
