"""The administrative frame every report shares: governing body, office, number, date line,
recipients and signer, from the settings (which office manages the press is data, not code)."""

from __future__ import annotations

import datetime as dt

from baochi.reports.paper import Paper
from baochi.reports.period import date_line
from baochi.settings import Settings


def blank_paper(
    settings: Settings, kind: str, title: str, subtitle: str, issued_on: dt.date
) -> Paper:
    """A Paper with the office's header and signature block, and no sections yet."""
    return Paper(
        kind=kind,
        parent=settings.report_parent,
        agency=settings.report_agency,
        number=f"Số:      {settings.report_number}",
        date_line=date_line(settings.report_place, issued_on),
        title=title,
        subtitle=subtitle,
        recipients=list(settings.report_recipients),
        signer_title=settings.report_signer_title,
        signer_name=settings.report_signer_name,
    )
