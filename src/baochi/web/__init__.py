"""The web application: HTML pages and the HTTP API."""

import baochi.web.ids  # noqa: F401 - the "id" path convertor, before any route is declared
from baochi.web.app import create_app

__all__ = ["create_app"]
