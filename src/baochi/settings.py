"""One typed Settings object: defaults < TOML file < BAOCHI_* environment < command line.

Loaded once at the edge (the CLI, the web app factory) and passed into every stage; nothing
else reads os.environ.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _setting(default: Any, help: str, vi: str) -> Any:
    """Declare a setting with its default and its help line, in English for `baochi settings`
    and in Vietnamese for the office's settings page."""
    return field(default=default, metadata={"help": help, "vi": vi})


def _secret(help: str, shown_in_repr: bool = False, *, vi: str) -> Any:
    """A credential: empty by default, never shown on the settings page and, unless it is needed
    there (the database URL names the database too), never by repr, so never in a log line."""
    return field(default="", repr=shown_in_repr, metadata={"help": help, "vi": vi, "secret": True})


@dataclass(frozen=True)
class Settings:
    """Every knob of baochi, each with a default and a help line."""

    data: Path = _setting(
        Path("var"),
        "Data folder: database, models, logs (BAOCHI_DATA).",
        vi="Thư mục dữ liệu: cơ sở dữ liệu, mô hình, nhật ký.",
    )
    database_url: str = _secret(
        "SQLAlchemy URL; empty means SQLite file baochi.sqlite3 in the data folder.",
        True,
        vi=(
            "Địa chỉ cơ sở dữ liệu (URL SQLAlchemy); để trống: tệp SQLite baochi.sqlite3 trong thư"
            " mục dữ liệu."
        ),
    )
    host: str = _setting(
        "127.0.0.1", "Address the web server listens on.", vi="Địa chỉ máy chủ web lắng nghe."
    )
    port: int = _setting(8000, "Port the web server listens on.", vi="Cổng máy chủ web lắng nghe.")
    allowed_private_networks: tuple[str, ...] = _setting(
        (),
        "CIDR networks exempt from the SSRF guard (comma-separated), e.g. 127.0.0.1/32.",
        vi=(
            "Các mạng nội bộ (CIDR, cách nhau bằng dấu phẩy) được phép thu thập, ví dụ "
            "127.0.0.1/32; mọi địa chỉ nội bộ khác bị chặn."
        ),
    )
    user_agent: str = _setting(
        "baochi/0.1 (press monitoring; +https://github.com/baochi)",
        "User-Agent sent with every request and matched against robots.txt.",
        vi="Tên trình thu thập (User-Agent) gửi kèm mọi yêu cầu và đối chiếu với robots.txt.",
    )
    host_delay: float = _setting(
        1.0,
        "Seconds between two requests to the same host.",
        vi="Số giây giữa hai yêu cầu tới cùng một máy chủ.",
    )
    host_concurrency: int = _setting(
        2,
        "Requests in flight at once to the same host.",
        vi="Số yêu cầu đồng thời tối đa tới cùng một máy chủ.",
    )
    fetch_concurrency: int = _setting(
        32,
        "Requests in flight at once over all hosts.",
        vi="Số yêu cầu đồng thời tối đa trên mọi máy chủ.",
    )
    connect_timeout: float = _setting(
        10.0, "Seconds to open a connection.", vi="Số giây chờ mở kết nối."
    )
    read_timeout: float = _setting(
        20.0,
        "Seconds to wait for the next bytes of a response.",
        vi="Số giây chờ phần dữ liệu tiếp theo của một phản hồi.",
    )
    total_timeout: float = _setting(
        60.0,
        "Seconds a whole fetch may take, redirects included.",
        vi="Số giây tối đa cho cả một lần tải, kể cả chuyển hướng.",
    )
    max_body_bytes: int = _setting(
        10 * 1024 * 1024,
        "Largest response body accepted, after decompression.",
        vi="Dung lượng phản hồi lớn nhất được nhận (sau khi giải nén), tính bằng byte.",
    )
    max_redirects: int = _setting(
        5,
        "Redirects followed before a fetch is refused.",
        vi="Số lần chuyển hướng tối đa trước khi từ chối một lần tải.",
    )
    retries: int = _setting(
        2,
        "Extra attempts after a transient failure (timeout, 5xx).",
        vi="Số lần thử lại sau lỗi tạm thời (quá thời gian, lỗi 5xx).",
    )
    retry_backoff: float = _setting(
        1.0,
        "Seconds before the first retry; doubles each time.",
        vi="Số giây trước lần thử lại đầu tiên; gấp đôi sau mỗi lần.",
    )
    robots_ttl: float = _setting(
        3600.0,
        "Seconds a host's robots.txt is trusted before refetch.",
        vi="Số giây tin dùng robots.txt của một máy chủ trước khi tải lại.",
    )
    poll_interval: float = _setting(
        900.0,
        "Seconds between polls of a new source.",
        vi="Số giây giữa hai lần đọc một nguồn mới.",
    )
    min_poll_interval: float = _setting(
        300.0,
        "Shortest adaptive poll interval in seconds.",
        vi="Khoảng đọc nguồn ngắn nhất (giây) khi tự điều chỉnh.",
    )
    max_poll_interval: float = _setting(
        86400.0,
        "Longest adaptive poll interval in seconds.",
        vi="Khoảng đọc nguồn dài nhất (giây) khi tự điều chỉnh.",
    )
    max_failures: int = _setting(
        10,
        "Consecutive failed polls after which a source is disabled.",
        vi="Số lần đọc lỗi liên tiếp thì tạm tắt nguồn.",
    )
    extract_workers: int = _setting(
        2,
        "Processes extracting articles, so CPU work never blocks fetching; 0 = in-process.",
        vi=(
            "Số tiến trình trích xuất bài viết, để việc xử lý không chặn việc tải; 0: trong cùng "
            "tiến trình."
        ),
    )
    extract_timeout: float = _setting(
        30.0,
        "Seconds an article's extraction may take; past them it fails and its process is replaced.",
        vi=(
            "Số giây tối đa để trích xuất một bài; quá thời gian thì bỏ bài đó và thay tiến trình "
            "trích xuất."
        ),
    )
    min_article_chars: int = _setting(
        150,
        "Shortest text kept as an article; shorter pages are skipped as not articles.",
        vi="Độ dài văn bản ngắn nhất (ký tự) được lưu là bài viết; trang ngắn hơn được bỏ qua.",
    )
    max_future_seconds: float = _setting(
        86400.0,
        "A publication date further ahead than this is rejected as impossible.",
        vi="Ngày đăng xa hơn thời điểm hiện tại quá số giây này bị coi là sai và loại bỏ.",
    )
    lease_seconds: float = _setting(
        600.0,
        "Seconds a worker holds a host or a social channel; expires if the worker dies.",
        vi=(
            "Số giây một tiến trình giữ một máy chủ hay một kênh mạng xã hội; hết hạn nếu tiến "
            "trình dừng đột ngột."
        ),
    )
    max_articles_per_source: int = _setting(
        5000,
        "Most new article links taken from one poll of one source.",
        vi="Số liên kết bài mới nhiều nhất lấy từ một lần đọc một nguồn.",
    )
    partition_months_ahead: int = _setting(
        3,
        "PostgreSQL: months of document partitions kept made ahead (at start, `partitions`).",
        vi="PostgreSQL: số tháng phân vùng tài liệu được tạo sẵn (khi khởi động, `partitions`).",
    )
    retention_months: int = _setting(
        0,
        "Months of documents `baochi retention` keeps (by collection month); 0 keeps all.",
        vi=(
            "Số tháng tài liệu được giữ khi chạy `baochi retention` (theo tháng thu thập); 0: giữ "
            "tất cả."
        ),
    )

    check_interval: float = _setting(
        300.0,
        "Seconds between two checks of watchlists, spikes and source health.",
        vi="Số giây giữa hai lần kiểm tra danh sách theo dõi, đột biến và tình trạng nguồn.",
    )
    smtp_host: str = _setting(
        "",
        "SMTP server for alert e-mails; empty turns e-mail off.",
        vi="Máy chủ SMTP gửi thư cảnh báo; để trống: không gửi thư.",
    )
    smtp_port: int = _setting(25, "Port of the SMTP server.", vi="Cổng của máy chủ SMTP.")
    smtp_user: str = _setting(
        "",
        "SMTP login; empty sends without authentication.",
        vi="Tên đăng nhập SMTP; để trống: gửi không xác thực.",
    )
    smtp_password: str = _secret(
        "SMTP password (give it as BAOCHI_SMTP_PASSWORD).",
        vi="Mật khẩu SMTP (đặt bằng biến BAOCHI_SMTP_PASSWORD).",
    )
    smtp_from: str = _setting(
        "baochi@localhost",
        "From address of alert e-mails.",
        vi="Địa chỉ người gửi của thư cảnh báo.",
    )
    smtp_starttls: bool = _setting(
        False,
        "Upgrade the SMTP connection with STARTTLS first.",
        vi="Nâng kết nối SMTP lên STARTTLS trước khi gửi.",
    )
    webhook_secret: str = _secret(
        "Key of the HMAC-SHA256 signature on every webhook; empty refuses to send.",
        vi="Khóa chữ ký HMAC-SHA256 kèm mỗi webhook; để trống: không gửi webhook.",
    )
    notify_timeout: float = _setting(
        10.0,
        "Seconds one e-mail or webhook delivery may take.",
        vi="Số giây tối đa cho một lần gửi thư hay webhook.",
    )
    spike_k: float = _setting(
        3.0,
        "Spike sensitivity: standard deviations above the baseline (lower = more alerts).",
        vi=(
            "Độ nhạy cảnh báo đột biến: số độ lệch chuẩn trên mức nền (nhỏ hơn: nhiều cảnh báo "
            "hơn)."
        ),
    )
    spike_min_count: int = _setting(
        5,
        "Fewest articles in 24 h for a daily spike alert.",
        vi="Số bài tối thiểu trong 24 giờ để có cảnh báo đột biến theo ngày.",
    )
    spike_hourly_min_count: int = _setting(
        5,
        "Fewest articles in one hour for an hourly spike.",
        vi="Số bài tối thiểu trong một giờ để có cảnh báo đột biến theo giờ.",
    )
    health_ratio: float = _setting(
        0.3,
        "An outlet under this share of its 7-day mean in 24 h is flagged as a problem.",
        vi=(
            "Cơ quan báo chí có số bài trong 24 giờ dưới tỷ lệ này so với trung bình 7 ngày bị "
            "đánh dấu có vấn đề."
        ),
    )
    health_min_daily: float = _setting(
        5.0,
        "Outlets publishing fewer articles a day than this are too sparse to flag.",
        vi="Cơ quan đăng ít bài hơn số này mỗi ngày thì quá thưa để đánh giá.",
    )
    digest_minutes: float = _setting(
        60.0,
        "At most one alert message per rule in this many minutes (a digest).",
        vi="Mỗi quy tắc gửi nhiều nhất một thư cảnh báo (bản tổng hợp) trong số phút này.",
    )
    delivery_attempts: int = _setting(
        5,
        "Attempts of a digest before it is marked failed.",
        vi="Số lần gửi một bản tổng hợp trước khi ghi nhận thất bại.",
    )
    delivery_backoff: float = _setting(
        60.0,
        "Seconds before retrying a failed delivery; doubles each time.",
        vi="Số giây trước khi gửi lại một lần gửi lỗi; gấp đôi sau mỗi lần.",
    )
    digest_max_items: int = _setting(
        50,
        "Most alerts listed in one digest; the rest are counted and left to the app.",
        vi=(
            "Số cảnh báo nhiều nhất liệt kê trong một bản tổng hợp; phần còn lại được đếm và xem "
            "trên ứng dụng."
        ),
    )
    public_url: str = _setting(
        "",
        "Address the office opens baochi at (e.g. https://baochi.example.gov.vn), for links in "
        "e-mails to each alert's page; empty leaves the links out.",
        vi=(
            "Địa chỉ cơ quan mở baochi (ví dụ https://baochi.example.gov.vn), để thư có liên kết "
            "tới từng cảnh báo; để trống: thư không có liên kết."
        ),
    )
    case_rules_file: str = _setting(
        "",
        "JSON file of case deadline rules (priorities, reminders); empty: the shipped rules.",
        vi="Tệp JSON quy định hạn xử lý hồ sơ (mức ưu tiên, nhắc hạn); để trống: quy định có sẵn.",
    )
    case_attachment_max_bytes: int = _setting(
        20 * 1024 * 1024,
        "Largest file attached to a case answer or a progress report.",
        vi="Dung lượng lớn nhất (byte) của tệp đính kèm trả lời hồ sơ hay báo cáo tiến độ.",
    )

    report_parent: str = _setting(
        "UBND THÀNH PHỐ HÀ NỘI",
        "Governing body printed above the office in report headers.",
        vi="Cơ quan chủ quản in phía trên tên cơ quan ở đầu báo cáo.",
    )
    report_agency: str = _setting(
        "SỞ VĂN HÓA VÀ THỂ THAO",
        "The office that issues briefs and reports (its header).",
        vi="Cơ quan ban hành bản tin và báo cáo (in ở đầu văn bản).",
    )
    report_number: str = _setting(
        "/BC-SVHTT",
        "Number suffix of a report; the clerk writes the number before it.",
        vi="Phần sau của số báo cáo; văn thư ghi số phía trước.",
    )
    report_place: str = _setting(
        "Hà Nội",
        "Place written on the date line of a report.",
        vi="Địa danh ghi ở dòng ngày tháng của báo cáo.",
    )
    report_signer_title: str = _setting(
        "GIÁM ĐỐC", "Title of whoever signs the reports.", vi="Chức danh người ký báo cáo."
    )
    report_signer_name: str = _setting(
        "",
        "Name printed under the signature; empty: none.",
        vi="Họ tên in dưới chữ ký; để trống: không in.",
    )
    report_recipients: tuple[str, ...] = _setting(
        ("Thường trực Thành ủy", "Thường trực HĐND, UBND Thành phố", "Lưu: VT"),
        "The 'Nơi nhận' list printed on reports (comma-separated).",
        vi="Danh sách «Nơi nhận» in trên báo cáo (cách nhau bằng dấu phẩy).",
    )
    brief_stories: int = _setting(
        12,
        "Stories selected in a brief; as many more are offered.",
        vi="Số sự kiện chọn vào bản tin; đề xuất thêm chừng ấy sự kiện nữa.",
    )
    brief_hour: float = _setting(
        7.0,
        "Hour (Hà Nội) after which the scheduled brief of yesterday is made and mailed.",
        vi="Giờ (Hà Nội) sau đó bản tin của ngày hôm trước được lập và gửi theo lịch.",
    )
    brief_recipients: tuple[str, ...] = _setting(
        (),
        "Addresses the scheduled brief and reports are mailed to; empty: none is made.",
        vi="Địa chỉ nhận bản tin và báo cáo theo lịch; để trống: không lập.",
    )
    brief_format: str = _setting(
        "pdf",
        "File attached to scheduled mails: pdf or docx.",
        vi="Định dạng tệp đính kèm thư theo lịch: pdf hoặc docx.",
    )
    report_schedule: tuple[str, ...] = _setting(
        ("week", "month"),
        "Periodic reports made and mailed when their period ends.",
        vi=(
            "Các báo cáo định kỳ được lập và gửi khi hết kỳ (week: tuần, month: tháng, quarter: "
            "quý)."
        ),
    )
    backup_dir: str = _setting(
        "",
        "Folder of the nightly backups made by the background jobs; empty: none is made.",
        vi="Thư mục sao lưu hằng đêm; để trống: không sao lưu.",
    )
    backup_hour: float = _setting(
        1.0,
        "Hour (Hà Nội) after which the nightly backup is made.",
        vi="Giờ (Hà Nội) sau đó bản sao lưu hằng đêm được tạo.",
    )
    backup_keep: int = _setting(
        14,
        "Nightly backups kept; older ones are removed.",
        vi="Số bản sao lưu hằng đêm được giữ; bản cũ hơn bị xoá.",
    )
    facebook_graph_url: str = _setting(
        "https://graph.facebook.com/v21.0",
        "Base URL of the Facebook Graph API (tests: 127.0.0.1).",
        vi="Địa chỉ gốc của Facebook Graph API.",
    )
    facebook_token: str = _secret(
        "Facebook page access token: from BAOCHI_FACEBOOK_TOKEN, or 'enc:…' (baochi social "
        "encrypt) in the TOML file.",
        vi=(
            "Mã truy cập trang Facebook: đặt bằng BAOCHI_FACEBOOK_TOKEN, hoặc dạng 'enc:…' (baochi"
            " social encrypt) trong tệp TOML."
        ),
    )
    youtube_api_url: str = _setting(
        "https://www.googleapis.com/youtube/v3",
        "Base URL of the YouTube Data API v3.",
        vi="Địa chỉ gốc của YouTube Data API v3.",
    )
    youtube_key: str = _secret(
        "YouTube Data API key: BAOCHI_YOUTUBE_KEY, or 'enc:…'.",
        vi="Khóa YouTube Data API: BAOCHI_YOUTUBE_KEY, hoặc dạng 'enc:…'.",
    )
    social_secret_key: str = _secret(
        "Key that decrypts 'enc:' tokens; empty reads social.key in the data folder.",
        vi="Khóa giải mã các mã 'enc:'; để trống: đọc tệp social.key trong thư mục dữ liệu.",
    )
    social_sync_interval: float = _setting(
        900.0,
        "Seconds between two syncs of the social channels by `baochi run` and workers.",
        vi="Số giây giữa hai lần đồng bộ các kênh mạng xã hội.",
    )
    social_page_size: int = _setting(
        100,
        "Items asked for per page of a social platform API.",
        vi="Số mục yêu cầu trong mỗi trang của API mạng xã hội.",
    )
    social_max_pages: int = _setting(
        50,
        "Most pages read from one list in one sync of a channel.",
        vi="Số trang nhiều nhất đọc từ một danh sách trong một lần đồng bộ một kênh.",
    )
    social_max_wait: float = _setting(
        60.0,
        "Longest rate-limit wait honoured within a sync; longer ends the sync, cursor kept.",
        vi=(
            "Thời gian chờ giới hạn tần suất dài nhất (giây) trong một lần đồng bộ; dài hơn thì "
            "dừng lần đồng bộ, giữ vị trí đã đọc."
        ),
    )
    social_usage_pause: float = _setting(
        90.0,
        "Usage percentage (platform usage headers) at which a connector pauses itself.",
        vi="Mức sử dụng (%, theo thông tin nền tảng trả về) mà tại đó kết nối tự tạm dừng.",
    )
    social_story_threshold: float = _setting(
        0.3,
        "Cosine a post without links needs with a story's article to join that story.",
        vi=(
            "Độ tương đồng (cosine) một bài đăng không có liên kết cần đạt với một bài báo để gia "
            "nhập sự kiện của bài đó."
        ),
    )

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in force: the setting, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data / 'baochi.sqlite3').resolve()}"

    @property
    def private_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The allowlist parsed as networks."""
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.allowed_private_networks)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed, coerced to their declared types."""
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items()})


class SettingsError(ValueError):
    """A setting has an unknown name or a value of the wrong type."""


FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    """Turn a TOML, environment or CLI value into the setting's declared type."""
    if name not in FIELDS:
        raise SettingsError(f"unknown setting {name!r}")
    kind: type = type(FIELDS[name].default)
    try:
        if kind is tuple:
            if isinstance(value, str):
                return tuple(p.strip() for p in value.split(",") if p.strip())
            return tuple(str(v) for v in value)
        if kind is Path:
            return Path(value)
        if kind is bool:
            return str(value).lower() in ("1", "true", "yes", "on")
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name}: cannot read {value!r} as {kind.__name__}") from exc


def load(
    toml_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the Settings from a TOML file, the BAOCHI_* environment and CLI overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = toml_path or (Path(environ["BAOCHI_CONFIG"]) if "BAOCHI_CONFIG" in environ else None)
    if path is not None:
        with open(path, "rb") as f:
            try:
                values.update(tomllib.load(f).get("baochi", {}))
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError(f"{path}: not valid TOML ({exc})") from exc
    for name in FIELDS:
        key = f"BAOCHI_{name.upper()}"
        if key in environ:
            values[name] = environ[key]
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    settings = Settings().replace(**values)
    for net in settings.allowed_private_networks:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError as exc:
            raise SettingsError(f"allowed_private_networks: {net!r} is not a CIDR") from exc
    return settings


@dataclass(frozen=True, slots=True)
class Described:
    """One setting for a reader: its variable, the value in force and the default as written in
    that variable (a credential that is set as ••••), and its help in English and Vietnamese."""

    env: str
    value: str
    default: str
    help: str
    vi: str

    @property
    def changed(self) -> bool:
        """Set by the TOML file, the environment or the command line, not left at its default."""
        return self.value != self.default


def written(value: Any) -> str:
    """A value as it is written in a BAOCHI_* variable: lists comma-separated, true or false."""
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe(settings: Settings) -> list[Described]:
    """Every setting in force, for `baochi settings` and the settings page."""
    rows = []
    for name, f in FIELDS.items():
        value = getattr(settings, name)
        shown = "••••" if f.metadata.get("secret") and value else written(value)
        rows.append(
            Described(
                f"BAOCHI_{name.upper()}", shown, written(f.default), f.metadata["help"],
                f.metadata["vi"],
            )
        )  # fmt: skip
    return rows
