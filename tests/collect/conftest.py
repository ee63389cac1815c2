"""Real stories of the corpus, for the listings (feeds, pages, sitemaps) built around them."""

from __future__ import annotations

import pytest

from tests.site.pages import Story, make_story

BASE = "https://hanoimoi.vn"


@pytest.fixture
def stories(site_articles: list[dict]) -> list[Story]:
    """Five real articles of one section, each on its own path of the site."""
    return [make_story(record, "thoi-su") for record in site_articles[:5]]


def link(story: Story) -> str:
    """A story's address on the site."""
    return BASE + story.path
