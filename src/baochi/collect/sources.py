"""Sources of the collector: add one, import a CSV (validated whole before any write), defaults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from baochi.collect.ssrf import Network, inside
from baochi.db import Store
from baochi.records import ascii_host
from baochi.settings import Settings
from baochi.tables import csv_rows

KINDS = ("auto", "feed", "sitemap", "page")
# Names used by ../shared/sources/outlets.csv and by common listening tools.
_KIND_ALIASES = {
    "rss": "feed",
    "atom": "feed",
    "news_sitemap": "sitemap",
    "sitemap_index": "sitemap",
    "section_page": "page",
    "": "auto",
}
_COLUMN_ALIASES = {
    "feed_url": "url",
    "outlet_name": "outlet",
    "feed_type": "kind",
}
_YES = ("yes", "true", "1", "có", "x")


class SourceImportError(ValueError):
    """A sources file with bad rows; nothing was written. `errors` lists them by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} bad row(s), nothing imported:\n" + "\n".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One validated row: a source URL of an outlet."""

    url: str
    outlet: str
    kind: str = "auto"
    section: str = ""
    domain: str = ""
    city_outlet: bool = False


def check_url(url: str) -> str | None:
    """Why a source URL is unusable, or None."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # a bracketed host that is no IPv6 address
        return f"URL cannot be read ({exc}): {url!r}"
    if parts.scheme not in ("http", "https"):
        return f"URL must start with http:// or https://: {url!r}"
    if "@" in parts.netloc:  # the message leaves the URL out: it holds the password
        return "URL must not hold a user name or password (user:password@): baochi logs in nowhere"
    if not parts.hostname:
        return f"URL has no host: {url!r}"
    try:
        ascii_host(parts.hostname)
    except ValueError as exc:
        return f"URL has no valid host name ({exc}): {url!r}"
    try:
        port = parts.port  # urlsplit raises on "x:99999" or "x:abc"
    except ValueError:
        port = 0
    return f"URL has no valid port: {url!r}" if port == 0 else None


def check_inside(url: str, allowed: Sequence[Network] = ()) -> str | None:
    """Why a source URL names an address inside the network (an IP or localhost), or None: the
    collector would refuse to fetch it, so it is refused as a source too."""
    refused = inside(url, allowed)
    if refused is None:
        return None
    return f"{url}: {refused}, inside the network (see BAOCHI_ALLOWED_PRIVATE_NETWORKS)"


def parse_sources(data: bytes, allowed: Sequence[Network] = ()) -> list[SourceSpec]:
    """Validate a sources CSV (url, outlet, [kind, section, domain, city_outlet]) row by row;
    a URL inside the network, save in the `allowed` networks, is a bad row."""
    try:
        rows = list(csv_rows(data))
    except ValueError as exc:
        raise SourceImportError([str(exc)]) from exc
    named = [h.strip().lower() for h in (rows[0] if rows else [])]
    header = [_COLUMN_ALIASES.get(h, h) for h in named]
    missing = {"url", "outlet"} - set(header)
    if missing:
        raise SourceImportError([f"header: missing column(s) {', '.join(sorted(missing))}"])
    specs, errors, seen = [], [], set()
    for number, cells in enumerate(rows[1:], start=2):
        if not cells:
            continue  # a blank line
        row = dict(zip(header, cells, strict=False))
        url = (row.get("url") or "").strip()
        outlet = (row.get("outlet") or "").strip()
        raw_kind = (row.get("kind") or "").strip().lower()
        kind = _KIND_ALIASES.get(raw_kind, raw_kind)
        problems = [p for p in (check_url(url),) if p]
        if not problems:
            problems += [p for p in (check_inside(url, allowed),) if p]
        if not outlet:
            problems.append("outlet is empty")
        if kind not in KINDS:
            problems.append(f"kind {raw_kind!r} is not one of {', '.join(KINDS)}")
        if url in seen:
            problems.append(f"URL repeated from an earlier row: {url}")
        if problems:
            errors.append(f"row {number}: " + "; ".join(problems))
            continue
        seen.add(url)
        specs.append(
            SourceSpec(
                url=url,
                outlet=outlet,
                kind=kind,
                section=(row.get("section") or "").strip(),
                domain=(row.get("domain") or "").strip() or (urlsplit(url).hostname or ""),
                city_outlet=(row.get("city_outlet") or "").strip().lower() in _YES,
            )
        )
    if errors:
        raise SourceImportError(errors)
    return specs


def add_sources(store: Store, specs: list[SourceSpec], settings: Settings) -> tuple[int, int]:
    """Register the sources in one transaction, all or none; returns (added, already present)."""
    rows = [asdict(spec) | {"poll_interval": settings.poll_interval} for spec in specs]
    added = sum(created for _, created in store.add_sources(rows))
    return added, len(specs) - added


def import_file(store: Store, path: Path, settings: Settings) -> tuple[int, int]:
    """Import a sources CSV file; raises SourceImportError, writing nothing, if a row is bad
    (a URL inside the network among them, as `sources add` refuses it)."""
    specs = parse_sources(path.read_bytes(), settings.private_networks)
    return add_sources(store, specs, settings)


def default_sources() -> list[SourceSpec]:
    """The shipped list: real outlets a Hà Nội press office watches, with public feed URLs."""
    shipped = resources.files("baochi.collect").joinpath("data/default_sources.csv")
    return parse_sources(shipped.read_bytes())
