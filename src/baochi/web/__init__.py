"""The web application: HTML pages and the HTTP API."""

from baochi.web.app import create_app

__all__ = ["create_app"]
