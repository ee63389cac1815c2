"""The JSON API: stable cursors, search pages, label corrections, OpenAPI."""

from __future__ import annotations

from sqlalchemy import update

from baochi.db.schema import documents
from baochi.db.web_store import label_corrections
from baochi.web.api.common import encode_cursor
from tests.web.conftest import csrf


def test_document_cursors_are_stable_while_new_articles_arrive(client_as, articles) -> None:
    client = client_as("leader")
    first = client.get("/api/v1/documents", params={"limit": 25}).json()
    assert [d["id"] for d in first["items"]] == sorted(articles, reverse=True)[:25]
    seen = [d["id"] for d in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/documents", params={"limit": 25, "cursor": cursor}).json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(articles) and len(set(seen)) == len(seen)
    assert client.get("/api/v1/documents", params={"cursor": "!!"}).status_code == 400
    assert client.get("/api/v1/documents", params={"limit": 10_000}).status_code == 422


def test_search_pages_and_snippets(client_as, articles) -> None:
    client = client_as("analyst")
    first = client.get("/api/v1/search", params={"q": "ha noi", "limit": 5}).json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    assert all("<mark>" in hit["snippet_html"] for hit in first["items"])
    second = client.get(
        "/api/v1/search", params={"q": "ha noi", "limit": 5, "cursor": first["next_cursor"]}
    ).json()
    assert not {h["id"] for h in first["items"]} & {h["id"] for h in second["items"]}
    other = client.get("/api/v1/search", params={"q": "xe", "cursor": first["next_cursor"]})
    assert other.status_code == 400


def test_label_correction_through_the_api(client_as, articles, store) -> None:
    client = client_as("analyst")
    headers = {"X-CSRF-Token": csrf(client)}
    machine = {"topic": "xa_hoi", "tone": "negative", "place": "Hà Nội", "hanoi": True}
    with store.engine.begin() as conn:  # as the pipeline labelled it
        conn.execute(
            update(documents)
            .where(documents.c.id == articles[2])
            .values(**machine, areas="Cầu Giấy|Dịch Vọng")
        )
    before = client.get(f"/api/v1/documents/{articles[2]}").json()["analysis"]
    assert before == machine | {"story_id": None, "areas": ["Cầu Giấy", "Dịch Vọng"]}
    url = f"/api/v1/documents/{articles[2]}/labels"
    answer = client.post(url, json={"task": "topic", "label": "Giáo dục"}, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["labels"]["topic"]["user"] == "lan"
    assert answer.json()["analysis"] == before | {"topic": "giao_duc"}  # the correction wins
    unlabelled = client.get(f"/api/v1/documents/{articles[3]}").json()["analysis"]
    assert unlabelled == dict.fromkeys(before, None) | {"areas": []}
    assert client.post(url, json={"task": "mood", "label": "x"}, headers=headers).status_code == 422
    unknown = client.post(url, json={"task": "topic", "label": "Y tế"}, headers=headers)
    assert unknown.status_code == 422 and "giao_duc" in unknown.json()["detail"]
    assert [r["label"] for r in label_corrections(store.engine)] == ["giao_duc"]
    leader = client_as("leader")
    refused = leader.post(url, json={"task": "topic", "label": "the_thao"}, headers=headers)
    assert refused.status_code == 403


def test_openapi_lists_the_api(client_as) -> None:
    client = client_as("analyst")
    spec = client.get("/api/openapi.json").json()
    assert {"/api/v1/documents", "/api/v1/search", "/api/v1/sources", "/api/v1/alerts"} <= set(
        spec["paths"]
    )
    areas = {"stories", "cases", "notifications", "registry", "targets", "reports", "social"}
    assert areas == {p.split("/")[3] for p in spec["paths"]} & areas  # every area's API
    assert not [p for p in spec["paths"] if not p.startswith("/api/v1/")]  # and no page
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_watchlists_saved_in_one_click_and_through_the_api(client_as, articles, web) -> None:
    client = client_as("analyst")
    page = client.post("/alerts/watchlists", data={"query": "hà nội", "csrf": csrf(client)})
    assert page.status_code == 200 and "hà nội" in page.text
    headers = {"X-CSRF-Token": csrf(client)}
    made = client.post("/api/v1/watchlists", json={"query": "giao thông"}, headers=headers)
    assert made.status_code == 201 and made.json()["name"] == "giao thông"
    names = [w["name"] for w in client.get("/api/v1/watchlists").json()]
    assert set(names) == {"hà nội", "giao thông"}
    bad = client.post("/api/v1/watchlists", json={"query": "AND"}, headers=headers)
    assert bad.status_code == 422
    leader = client_as("leader")
    assert (
        leader.post("/api/v1/watchlists", json={"query": "x"}, headers=headers).status_code == 403
    )
    assert [e["action"] for e in web.audit_entries()][:2] == ["watchlist.add", "watchlist.add"]


def test_a_forged_cursor_is_refused_with_why(client_as, articles) -> None:
    """A cursor is opaque but readable: one made by hand must not be a 500 or a wrong page."""
    client = client_as("analyst")
    for offset in ("abc", [1], None, -5, 1.5, True, 10**30):
        cursor = encode_cursor({"q": "ha noi", "offset": offset})
        answer = client.get("/api/v1/search", params={"q": "ha noi", "cursor": cursor})
        assert answer.status_code == 400, (offset, answer.text)
        assert "offset must be a whole number" in answer.json()["detail"]
    for before in ("abc", [1], -5, 10**30):
        cursor = encode_cursor({"before": before})
        answer = client.get("/api/v1/documents", params={"cursor": cursor})
        assert answer.status_code == 400 and "before" in answer.json()["detail"], before
