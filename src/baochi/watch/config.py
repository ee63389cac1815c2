"""The signals' settings as one typed object, read from Settings with defaults until they are
declared there (see the report of the watch area for their help lines).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from baochi.collect.ssrf import Network
from baochi.settings import Settings
from baochi.watch.health import QuietRule
from baochi.watch.spikes import DAILY, HOURLY, SpikeRule


@dataclass(frozen=True)
class WatchConfig:
    """Every knob of watchlists, spikes, source health and delivery."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "baochi@localhost"
    smtp_starttls: bool = False
    webhook_secret: str = ""
    private_networks: tuple[Network, ...] = ()  # a webhook may reach these (Settings' allowlist)
    notify_timeout: float = 10.0
    spike_k: float = 3.0
    spike_min_count: int = 5
    spike_hourly_min_count: int = 5
    health_ratio: float = 0.3
    health_min_daily: float = 5.0
    digest_minutes: float = 60.0
    delivery_attempts: int = 5
    delivery_backoff: float = 60.0
    digest_max_items: int = 50
    public_url: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> WatchConfig:
        """Take each knob from Settings when it is declared there, else its default here."""
        values = {
            f.name: getattr(settings, f.name) for f in fields(cls) if hasattr(settings, f.name)
        }
        return cls(**{**values, **overrides})

    def daily(self, k: float | None = None) -> SpikeRule:
        """The 24-hour spike rule at this sensitivity (or a watchlist's own k)."""
        return DAILY.with_sensitivity(self.spike_k if k is None else k, self.spike_min_count)

    def hourly(self, k: float | None = None) -> SpikeRule:
        """The one-hour spike rule for fast channels."""
        return HOURLY.with_sensitivity(
            self.spike_k if k is None else k, self.spike_hourly_min_count
        )

    def quiet(self) -> QuietRule:
        """The source-health rule."""
        return QuietRule(ratio=self.health_ratio, min_mean=self.health_min_daily)
