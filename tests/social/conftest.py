"""Social fixtures: the fake platform APIs on 127.0.0.1 and settings that point at them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from baochi.settings import Settings
from tests.conftest import SHARED_DATA
from tests.social.fake_api import GOOD_KEY, GOOD_TOKEN, Scenario, fake_api

START = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)


def needs_social_data() -> None:
    """Skip when the real social comment sets are not on this machine."""
    if not (SHARED_DATA / "uit-vsfc").is_dir() or not (SHARED_DATA / "vihsd").is_dir():
        pytest.skip(f"social data sets not found under {SHARED_DATA}")


@pytest.fixture
def scenario() -> Scenario:
    needs_social_data()
    return Scenario()


@pytest.fixture
def api(scenario: Scenario) -> Iterator[str]:
    with fake_api(scenario) as base:
        yield base


@pytest.fixture
def social_settings(settings: Settings, api: str) -> Settings:
    """Settings whose platform APIs are the fake ones; the tokens come as from the environment."""
    return settings.replace(
        facebook_graph_url=f"{api}/graph/v21.0",
        youtube_api_url=f"{api}/youtube/v3",
        facebook_token=GOOD_TOKEN,
        youtube_key=GOOD_KEY,
        social_max_wait=2.0,
        social_page_size=3,
    )
