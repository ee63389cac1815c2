"""Extraction: HTML page → Article (body, lead, title, authors, date, canonical URL)."""

from baochi.extract.article import extract

__all__ = ["extract"]
