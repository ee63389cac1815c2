"""Where in baochi an alert's subject is read: the dashboard, the alerts page and the e-mails
link there."""

from __future__ import annotations

from urllib.parse import urlencode

from baochi.db.watch_store import Alert


def alert_href(alert: Alert) -> str:
    """Where an alert's subject is read: its story, case, watchlist, sources, or a search."""
    key = alert.subject_key
    if alert.subject_kind == "story":
        return f"/stories/{key}"
    if alert.kind == "case" and "case_id" in alert.payload:
        return f"/cases/{alert.payload['case_id']}"
    if alert.subject_kind == "watchlist":
        return f"/alerts#watchlist-{key}"
    if alert.subject_kind == "outlet":
        return "/sources"
    if alert.subject_kind in ("topic", "place", "area"):
        field = "topic" if alert.subject_kind == "topic" else "place"  # place: reads areas too
        return "/search?" + urlencode({"q": f'{field}:"{key}" date:7d'})
    return ""
