"""Search: user queries → full-text expressions over folded text, run by the store."""

from baochi.search.fulltext import match_expression, search

__all__ = ["match_expression", "search"]
