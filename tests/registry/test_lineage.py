"""Lineage and coverage attribution: real articles on old domains counted under the right agency
on each side of a merger's effective date (midnight, Hà Nội time)."""

from __future__ import annotations

import datetime as dt

import pytest

from baochi.db import Store
from baochi.registry import (
    Lineage,
    RegistryImportError,
    RegistryStore,
    agency_history,
    complete_action,
    effective_instant,
    host_of,
    import_sheets,
    read_csv,
    retire,
    save,
)
from baochi.registry.model import ACTIONS
from tests.registry.conftest import save_article

MERGED = ("hanoimoi", "kinhtedothi", "phunuthudo", "laodongthudo", "tuoitrethudo", "hanoitv")
NEW = "hn-bao-ptth"
# The merger takes effect on 5/2/2026 in Hà Nội, that is at 17:00 UTC on 4/2/2026.
EFFECTIVE = dt.datetime(2026, 2, 4, 17, 0, tzinfo=dt.UTC)
BEFORE = EFFECTIVE - dt.timedelta(minutes=1)  # 23:59 on 4/2 in Hà Nội
AFTER = EFFECTIVE + dt.timedelta(hours=3)
TODAY = dt.date(2027, 1, 1)  # a day after every merger here


def test_effective_date_starts_at_midnight_in_hanoi() -> None:
    assert effective_instant(dt.date(2026, 2, 5)) == EFFECTIVE


def test_example_merger_lineage(example: RegistryStore) -> None:
    lineage = Lineage.load(example)
    into_new = {step.source for step in lineage.predecessors(NEW)}
    assert into_new == set(MERGED)
    step = lineage.successors("hanoimoi")[0]
    assert (step.target, step.effective_on, step.decision) == (
        NEW,
        dt.date(2026, 2, 5),
        "1115-QĐ/TU",
    )
    assert step.uncertain  # the effective date is inferred from the announcement
    assert lineage.status("hanoimoi", TODAY).status == "merged"
    assert lineage.status(NEW, TODAY).status == "active"
    # The 2020 merger of Pháp luật và Xã hội into KT&ĐT reaches the new agency too.
    assert {"phapluatxahoi", *MERGED, NEW} == lineage.ancestry(NEW)
    assert [p.agency for p in lineage.periods("www.hanoimoi.vn")] == ["hanoimoi", NEW]
    assert lineage.periods("hanoimoi.vn")[0].end == dt.date(2026, 2, 4)


def test_articles_on_old_domains_count_under_the_new_agency_from_the_effective_date(
    example_store: Store, example: RegistryStore, corpus: list[dict]
) -> None:
    hosts = {
        "hanoimoi": "hanoimoi.vn",
        "kinhtedothi": "tieudung.kinhtedothi.vn",
        "hanoitv": "www.hanoionline.vn",
        "tuoitrethudo": "phapluat.tuoitrethudo.vn",
    }
    before, after = {}, {}
    for i, (agency, host) in enumerate(hosts.items()):
        before[agency] = save_article(
            example_store, corpus[2 * i], f"https://{host}/tin-{i}-truoc.html", BEFORE
        )
        after[agency] = save_article(
            example_store, corpus[2 * i + 1], f"https://{host}/tin-{i}-sau.html", AFTER
        )
    outside = save_article(example_store, corpus[20], "https://vnexpress.net/tin.html", AFTER)
    lineage = Lineage.load(example)
    window = (EFFECTIVE - dt.timedelta(days=30), EFFECTIVE + dt.timedelta(days=30))

    counted = {a: {d.id for d in lineage.coverage(example, a, *window)} for a in (*MERGED, NEW)}
    for agency, doc_id in before.items():
        assert counted[agency] == {doc_id}, agency
    assert counted[NEW] == set(after.values())
    assert outside not in set().union(*counted.values())
    assert lineage.attribute("https://hanoimoi.vn/tin.html", BEFORE) == "hanoimoi"
    assert lineage.attribute("https://hanoimoi.vn/tin.html", EFFECTIVE) == NEW
    assert lineage.attribute("https://vnexpress.net/tin.html", AFTER) is None


def test_a_chain_of_actions_is_followed_by_date(example: RegistryStore) -> None:
    # A test-only domain for Pháp luật và Xã hội: merged into KT&ĐT (2020), then into the new
    # agency (2026).
    save(example, "domains", {"domain": "plxh.example.vn", "agency": "phapluatxahoi"}, "test")
    lineage = Lineage.load(example)
    url = "https://plxh.example.vn/bai.html"
    on = {year: dt.datetime(year, 6, 1, tzinfo=dt.UTC) for year in (2019, 2021, 2027)}
    assert lineage.attribute(url, on[2019]) == "phapluatxahoi"
    assert lineage.attribute(url, on[2021]) == "kinhtedothi"
    assert lineage.attribute(url, on[2027]) == NEW
    assert lineage.attribute("https://m.anninhthudo.vn/x.html", on[2019]) == "antd"
    assert lineage.attribute("https://m.anninhthudo.vn/x.html", on[2021]) == "cand"


SMALL = {
    "bodies": "code,name,level,type\nubnd,UBND TP,city,government\nso,Sở X,city,department\n",
    "agencies": "code,name,body\na,Báo A,ubnd\nb,Báo B,ubnd\nx,Báo X,ubnd\n",
    "domains": "domain,agency\na.vn,a\nb.vn,b\n",
    "actions": "code,kind,title,members,target,new_body,due_on\n"
    "gop,merge,Sáp nhập A và B vào X,a; b,x,,2026-06-30\n"
    "chuyen,transfer,Chuyển X sang Sở X,x,,so,2026-06-30\n",
}


@pytest.fixture
def small(registry: RegistryStore) -> RegistryStore:
    """Three agencies and two planned actions: merge A, B into X; transfer X to another body."""
    sheets = [read_csv(text.encode(), name) for name, text in SMALL.items()]
    import_sheets(registry, sheets, "test")
    return registry


def test_completing_a_merger_moves_coverage_and_records_history(small: RegistryStore) -> None:
    at = effective_instant(dt.date(2026, 7, 1))
    assert Lineage.load(small).attribute("https://a.vn/1.html", at) == "a"
    complete_action(small, "gop", "hoa", on=dt.date(2026, 7, 2), effective_on=dt.date(2026, 7, 1))
    lineage = Lineage.load(small)
    assert lineage.attribute("https://a.vn/1.html", at - dt.timedelta(seconds=1)) == "a"
    assert lineage.attribute("https://b.vn/1.html", at) == "x"
    assert lineage.status("b", TODAY).since == dt.date(2026, 7, 1)
    (merger,) = [e for e in agency_history(small, "x") if e.ref == "gop"]
    assert merger.on == dt.date(2026, 7, 1) and "Tiếp nhận Báo A, Báo B" in merger.text
    action_log = small.changes(entity="actions", key="gop")
    assert action_log[0]["actor"] == "hoa" and action_log[0]["detail"]["status"] == [
        "planned",
        "done",
    ]


def test_completing_a_transfer_moves_the_agency_to_its_new_body(small: RegistryStore) -> None:
    complete_action(small, "chuyen", "hoa", on=dt.date(2026, 6, 1))
    assert small.row("agencies", "x")["body"] == "so"
    (change,) = small.changes(entity="agencies", key="x", limit=1)
    assert change["detail"] == {"body": ["ubnd", "so"], "action": "chuyen"}
    texts = [e.text for e in agency_history(small, "x")]
    assert any(t.startswith("Chuyển sang cơ quan chủ quản Sở X") for t in texts)


def test_longest_registered_domain_wins(example: RegistryStore) -> None:
    lineage = Lineage.load(example)
    assert lineage.owner("https://phapluatxahoi.kinhtedothi.vn/a") == "kinhtedothi"
    assert lineage.owner("https://www.cand.com.vn/a") == "cand"
    assert lineage.owner("https://notkinhtedothi.vn/a") is None
    assert lineage.owner("https://vn/a") is None


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.VnExpress.net:443/thoi-su?page=2", "vnexpress.net"),
        ("http://user@hanoimoi.vn/xa-hoi", "hanoimoi.vn"),
        ("HTTPS://Tuoitre.VN#top", "tuoitre.vn"),
        ("https://kinhtedothi.vn?utm=x", "kinhtedothi.vn"),
        ("//cdn.laodongthudo.vn/anh.jpg", "cdn.laodongthudo.vn"),
        ("www.hanoimoi.vn", "hanoimoi.vn"),  # a domain as the register writes it
        ("hanoimoi.vn/xa-hoi", "hanoimoi.vn"),
        ("", ""),
    ],
)
def test_the_host_of_any_address_the_office_meets(url: str, host: str) -> None:
    assert host_of(url) == host


def test_a_completed_transfer_is_neither_undone_nor_retired(small: RegistryStore) -> None:
    """The store moved x to its new body when the transfer was done: setting it back to planned,
    or retiring it, would leave x there unexplained; both are refused and x stays."""
    complete_action(small, "chuyen", "hoa", on=dt.date(2026, 6, 1))
    done = small.row("actions", "chuyen")
    undone = {f.name: done[f.name] for f in ACTIONS.fields} | {"status": "planned"}
    for change in (undone, {**undone, "status": "done", "new_body": "ubnd"}):
        with pytest.raises(RegistryImportError) as caught:
            save(small, "actions", change, "hoa")
        assert "nhiệm vụ chuyển cơ quan chủ quản 'chuyen' đã hoàn thành" in caught.value.errors[0]
    with pytest.raises(RegistryImportError):
        retire(small, "actions", "chuyen", "hoa")
    assert small.row("actions", "chuyen")["retired_at"] is None
    assert small.row("agencies", "x")["body"] == "so"
    save(small, "actions", {**undone, "status": "done", "note": "đã xong"}, "hoa")  # words only
