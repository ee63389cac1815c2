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


def _setting(default: Any, help: str) -> Any:
    """Declare a setting with its default and the help line shown by `baochi settings`."""
    return field(default=default, metadata={"help": help})


def _secret(help: str, shown_in_repr: bool = False) -> Any:
    """A credential: empty by default, never shown on the settings page and, unless it is needed
    there (the database URL names the database too), never by repr, so never in a log line."""
    return field(default="", repr=shown_in_repr, metadata={"help": help, "secret": True})


@dataclass(frozen=True)
class Settings:
    """Every knob of baochi, each with a default and a help line."""

    data: Path = _setting(Path("var"), "Data folder: database, models, logs (BAOCHI_DATA).")
    database_url: str = _secret(
        "SQLAlchemy URL; empty means SQLite file baochi.sqlite3 in the data folder.", True
    )
    host: str = _setting("127.0.0.1", "Address the web server listens on.")
    port: int = _setting(8000, "Port the web server listens on.")
    allowed_private_networks: tuple[str, ...] = _setting(
        (), "CIDR networks exempt from the SSRF guard (comma-separated), e.g. 127.0.0.1/32."
    )
    user_agent: str = _setting(
        "baochi/0.1 (press monitoring; +https://github.com/baochi)",
        "User-Agent sent with every request and matched against robots.txt.",
    )
    host_delay: float = _setting(1.0, "Seconds between two requests to the same host.")
    host_concurrency: int = _setting(2, "Requests in flight at once to the same host.")
    fetch_concurrency: int = _setting(32, "Requests in flight at once over all hosts.")
    connect_timeout: float = _setting(10.0, "Seconds to open a connection.")
    read_timeout: float = _setting(20.0, "Seconds to wait for the next bytes of a response.")
    total_timeout: float = _setting(60.0, "Seconds a whole fetch may take, redirects included.")
    max_body_bytes: int = _setting(
        10 * 1024 * 1024, "Largest response body accepted, after decompression."
    )
    max_redirects: int = _setting(5, "Redirects followed before a fetch is refused.")
    retries: int = _setting(2, "Extra attempts after a transient failure (timeout, 5xx).")
    retry_backoff: float = _setting(1.0, "Seconds before the first retry; doubles each time.")
    robots_ttl: float = _setting(3600.0, "Seconds a host's robots.txt is trusted before refetch.")
    poll_interval: float = _setting(900.0, "Seconds between polls of a new source.")
    min_poll_interval: float = _setting(300.0, "Shortest adaptive poll interval in seconds.")
    max_poll_interval: float = _setting(86400.0, "Longest adaptive poll interval in seconds.")
    max_failures: int = _setting(10, "Consecutive failed polls after which a source is disabled.")
    extract_workers: int = _setting(
        2, "Processes extracting articles, so CPU work never blocks fetching; 0 = in-process."
    )
    min_article_chars: int = _setting(
        150, "Shortest text kept as an article; shorter pages are skipped as not articles."
    )
    max_future_seconds: float = _setting(
        86400.0, "A publication date further ahead than this is rejected as impossible."
    )
    lease_seconds: float = _setting(
        600.0, "Seconds a worker holds a host or a social channel; expires if the worker dies."
    )
    max_articles_per_source: int = _setting(
        5000, "Most new article links taken from one poll of one source."
    )
    partition_months_ahead: int = _setting(
        3, "PostgreSQL: months of document partitions kept made ahead (at start, `partitions`)."
    )
    retention_months: int = _setting(
        0, "Months of documents `baochi retention` keeps (by collection month); 0 keeps all."
    )

    check_interval: float = _setting(
        300.0, "Seconds between two checks of watchlists, spikes and source health."
    )
    smtp_host: str = _setting("", "SMTP server for alert e-mails; empty turns e-mail off.")
    smtp_port: int = _setting(25, "Port of the SMTP server.")
    smtp_user: str = _setting("", "SMTP login; empty sends without authentication.")
    smtp_password: str = _secret("SMTP password (give it as BAOCHI_SMTP_PASSWORD).")
    smtp_from: str = _setting("baochi@localhost", "From address of alert e-mails.")
    smtp_starttls: bool = _setting(False, "Upgrade the SMTP connection with STARTTLS first.")
    webhook_secret: str = _secret(
        "Key of the HMAC-SHA256 signature on every webhook; empty refuses to send."
    )
    notify_timeout: float = _setting(10.0, "Seconds one e-mail or webhook delivery may take.")
    spike_k: float = _setting(
        3.0, "Spike sensitivity: standard deviations above the baseline (lower = more alerts)."
    )
    spike_min_count: int = _setting(5, "Fewest articles in 24 h for a daily spike alert.")
    spike_hourly_min_count: int = _setting(5, "Fewest articles in one hour for an hourly spike.")
    health_ratio: float = _setting(
        0.3, "An outlet under this share of its 7-day mean in 24 h is flagged as a problem."
    )
    health_min_daily: float = _setting(
        5.0, "Outlets publishing fewer articles a day than this are too sparse to flag."
    )
    digest_minutes: float = _setting(
        60.0, "At most one alert message per rule in this many minutes (a digest)."
    )
    delivery_attempts: int = _setting(5, "Attempts of a digest before it is marked failed.")
    delivery_backoff: float = _setting(
        60.0, "Seconds before retrying a failed delivery; doubles each time."
    )
    digest_max_items: int = _setting(
        50, "Most alerts listed in one digest; the rest are counted and left to the app."
    )
    public_url: str = _setting(
        "",
        "Address the office opens baochi at (e.g. https://baochi.example.gov.vn), for links in "
        "e-mails to each alert's page; empty leaves the links out.",
    )
    case_rules_file: str = _setting(
        "", "JSON file of case deadline rules (priorities, reminders); empty: the shipped rules."
    )
    case_attachment_max_bytes: int = _setting(
        20 * 1024 * 1024, "Largest file attached to a case answer or a progress report."
    )

    report_parent: str = _setting(
        "UBND THÀNH PHỐ HÀ NỘI", "Governing body printed above the office in report headers."
    )
    report_agency: str = _setting(
        "SỞ VĂN HÓA VÀ THỂ THAO", "The office that issues briefs and reports (its header)."
    )
    report_number: str = _setting(
        "/BC-SVHTT", "Number suffix of a report; the clerk writes the number before it."
    )
    report_place: str = _setting("Hà Nội", "Place written on the date line of a report.")
    report_signer_title: str = _setting("GIÁM ĐỐC", "Title of whoever signs the reports.")
    report_signer_name: str = _setting("", "Name printed under the signature; empty: none.")
    report_recipients: tuple[str, ...] = _setting(
        ("Thường trực Thành ủy", "Thường trực HĐND, UBND Thành phố", "Lưu: VT"),
        "The 'Nơi nhận' list printed on reports (comma-separated).",
    )
    brief_stories: int = _setting(12, "Stories selected in a brief; as many more are offered.")
    brief_hour: float = _setting(
        7.0, "Hour (Hà Nội) after which the scheduled brief of yesterday is made and mailed."
    )
    brief_recipients: tuple[str, ...] = _setting(
        (), "Addresses the scheduled brief and reports are mailed to; empty: none is made."
    )
    brief_format: str = _setting("pdf", "File attached to scheduled mails: pdf or docx.")
    report_schedule: tuple[str, ...] = _setting(
        ("week", "month"), "Periodic reports made and mailed when their period ends."
    )
    backup_dir: str = _setting(
        "", "Folder of the nightly backups made by the background jobs; empty: none is made."
    )
    backup_hour: float = _setting(1.0, "Hour (Hà Nội) after which the nightly backup is made.")
    backup_keep: int = _setting(14, "Nightly backups kept; older ones are removed.")
    facebook_graph_url: str = _setting(
        "https://graph.facebook.com/v21.0", "Base URL of the Facebook Graph API (tests: 127.0.0.1)."
    )
    facebook_token: str = _secret(
        "Facebook page access token: from BAOCHI_FACEBOOK_TOKEN, or 'enc:…' (baochi social "
        "encrypt) in the TOML file."
    )
    youtube_api_url: str = _setting(
        "https://www.googleapis.com/youtube/v3", "Base URL of the YouTube Data API v3."
    )
    youtube_key: str = _secret("YouTube Data API key: BAOCHI_YOUTUBE_KEY, or 'enc:…'.")
    social_secret_key: str = _secret(
        "Key that decrypts 'enc:' tokens; empty reads social.key in the data folder."
    )
    social_sync_interval: float = _setting(
        900.0, "Seconds between two syncs of the social channels by `baochi run` and workers."
    )
    social_page_size: int = _setting(100, "Items asked for per page of a social platform API.")
    social_max_pages: int = _setting(50, "Most pages read from one list in one sync of a channel.")
    social_max_wait: float = _setting(
        60.0, "Longest rate-limit wait honoured within a sync; longer ends the sync, cursor kept."
    )
    social_usage_pause: float = _setting(
        90.0, "Usage percentage (platform usage headers) at which a connector pauses itself."
    )
    social_story_threshold: float = _setting(
        0.3, "Cosine a post without links needs with a story's article to join that story."
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


def describe() -> list[tuple[str, str, str]]:
    """Every setting as (environment name, default, help), for docs and `baochi settings`."""
    return [
        (f"BAOCHI_{f.name.upper()}", repr(f.default), f.metadata["help"]) for f in FIELDS.values()
    ]
