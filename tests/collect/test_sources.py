"""Source lists: the shipped defaults, and CSV imports that write nothing when a row is bad."""

from dataclasses import replace
from pathlib import Path

import pytest

from baochi.collect.sources import SourceImportError, check_url, default_sources, import_file
from baochi.db import Store
from baochi.records import source_url
from baochi.settings import Settings
from tests.vi.legacy_encoders import to_cp1258


def test_default_sources_are_the_real_outlets() -> None:
    specs = default_sources()
    assert len(specs) == 74
    outlets = {s.outlet for s in specs}
    assert "Báo Hànộimới" in outlets
    assert {s.kind for s in specs} <= {"feed", "sitemap", "page"}
    assert sum(s.city_outlet for s in specs) >= 10


def test_bad_rows_are_reported_by_number_and_nothing_is_written(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    f = tmp_path / "sources.csv"
    f.write_text(
        "url,outlet,kind\n"
        "https://hanoimoi.vn/rss/xa-hoi,Báo Hànộimới,rss\n"
        "ftp://bad.example/feed,Báo X,rss\n"
        "https://ok.vn/feed,,rss\n"
        "https://ok.vn/feed2,Báo Y,podcast\n"
        "https://ok.vn:99999/feed,Báo Z,rss\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceImportError) as err:
        import_file(store, f, settings)
    assert [e.split(":")[0] for e in err.value.errors] == ["row 3", "row 4", "row 5", "row 6"]
    assert "outlet is empty" in err.value.errors[1]
    assert "URL has no valid port" in err.value.errors[3]  # 99999 is no port
    assert store.counts()["sources"] == 0


def test_import_twice_adds_once(tmp_path: Path, store: Store, settings: Settings) -> None:
    f = tmp_path / "sources.csv"
    f.write_text(
        "\ufefffeed_url,outlet_name,feed_type,section,city_outlet\n"
        "https://hanoimoi.vn/rss/xa-hoi,Báo Hànộimới,rss,Xã hội,yes\n"
        "https://kinhtedothi.vn/sitemap.xml,Báo Kinh tế & Đô thị,news_sitemap,,yes\n",
        encoding="utf-8",
    )
    assert import_file(store, f, settings) == (2, 0)
    assert import_file(store, f, settings) == (0, 2)
    kinds = {s.url: s.kind for s in store.sources()}
    assert kinds["https://kinhtedothi.vn/sitemap.xml"] == "sitemap"


def test_missing_column_is_a_clear_error(tmp_path: Path, store: Store, settings: Settings) -> None:
    f = tmp_path / "sources.csv"
    f.write_text("link,name\nhttps://a.vn,A\n", encoding="utf-8")
    with pytest.raises(SourceImportError, match="missing column"):
        import_file(store, f, settings)


def test_a_list_saved_by_vietnamese_excel_is_read(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    # Semicolons, as Excel writes where the decimal mark is a comma; Windows-1258, as its plain
    # "CSV" is saved.
    f = tmp_path / "nguon-tin.csv"
    text = "url;outlet;kind\nhttps://hanoimoi.vn/rss/thoi-su;Báo Hànộimới;rss\n"
    f.write_bytes(to_cp1258(text))
    assert import_file(store, f, settings) == (1, 0)
    assert [s.outlet for s in store.sources()] == ["Báo Hànộimới"]
    f.write_bytes(to_cp1258(text.replace("\n", "\r")))  # Excel for Mac's "CSV (Macintosh)"
    assert import_file(store, f, settings) == (0, 1)
    f.write_bytes(to_cp1258(text + '"' + "x" * 200_000 + '";Báo;rss\n'))
    with pytest.raises(SourceImportError, match="không đọc được CSV ở dòng 3"):
        import_file(store, f, settings)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://user:secret@hanoimoi.vn/rss", "user name or password"),
        ("http://hanoimoi.vn:0/rss", "no valid port"),
        ("http://hanoimoi..vn/rss", "no valid host name"),
        ("http://-bad-.vn/rss", "no valid host name"),
        (f"http://{'a' * 64}.vn/rss", "no valid host name"),
        ("http://-hànộimới.vn/rss", "no valid host name"),
    ],
)
def test_a_source_url_with_a_password_or_no_valid_host_or_port_is_refused(
    url: str, why: str
) -> None:
    problem = check_url(url)
    assert problem is not None and why in problem and "secret" not in problem


def test_both_spellings_of_an_idn_address_are_one_source(store: Store) -> None:
    """Host in Unicode or punycode, path in letters or escapes: one source, one host."""
    first, created = store.add_source("http://Hànộimới.vn/tin-tức.rss", "Báo Hànộimới")
    assert created
    for spelling in (
        "http://xn--hnimi-rqa6284csa.vn/tin-t%E1%BB%A9c.rss",
        "http://hànộimới.vn/tin-t%e1%bb%a9c.rss",
    ):
        assert store.add_source(spelling, "Báo Hànộimới") == (first, False)
    (source,) = store.sources()
    assert source.url == "http://xn--hnimi-rqa6284csa.vn/tin-t%E1%BB%A9c.rss"
    assert check_url(source.url) is None and check_url("http://hànộimới.vn/rss") is None


def test_an_import_that_fails_part_way_writes_nothing(
    tmp_path: Path, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after 15 s, a 30,000-row import had written 24,026 sources: now it is one
    transaction, here failing at its third row."""
    f = tmp_path / "sources.csv"
    f.write_text(
        "url,outlet\n" + "".join(f"https://bao{n}.vn/rss,Báo {n}\n" for n in range(5)), "utf-8"
    )
    calls = []

    def crash(url: str) -> str:
        calls.append(url)
        if len(calls) == 3:
            raise RuntimeError("killed")
        return source_url(url)

    with monkeypatch.context() as patched:
        patched.setattr("baochi.db.store.source_url", crash)
        with pytest.raises(RuntimeError, match="killed"):
            import_file(store, f, settings)
    assert store.counts() == {"documents": 0, "sources": 0, "outlets": 0}
    assert import_file(store, f, settings) == (5, 0)


def test_addresses_inside_the_network_are_bad_rows(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    """`sources add` refused them, `sources import` took them."""
    f = tmp_path / "sources.csv"
    f.write_text(
        "url,outlet\n"
        "https://hanoimoi.vn/rss/xa-hoi,Báo Hànộimới\n"
        "http://127.0.0.1:8000/admin,Nội bộ\n"
        "http://169.254.169.254/latest/meta-data/,Meta\n"
        "http://10.0.0.1/,LAN\n"
        "http://localhost/,LH\n",
        encoding="utf-8",
    )
    nowhere = replace(settings, allowed_private_networks=())
    with pytest.raises(SourceImportError) as err:
        import_file(store, f, nowhere)
    assert [e.split(":")[0] for e in err.value.errors] == ["row 3", "row 4", "row 5", "row 6"]
    assert "loopback address 127.0.0.1, inside the network" in err.value.errors[0]
    assert "metadata address 169.254.169.254" in err.value.errors[1]
    assert "private address 10.0.0.1" in err.value.errors[2]
    assert "loopback address 127.0.0.1" in err.value.errors[3]
    # as for `sources add`, the allowed networks are let in, save the cloud's metadata address
    with pytest.raises(SourceImportError) as err:
        import_file(store, f, settings)  # 127.0.0.1/32 allowed
    assert [e.split(":")[0] for e in err.value.errors] == ["row 4", "row 5"]
    assert store.counts()["sources"] == 0
