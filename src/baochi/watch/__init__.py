"""Signals: watchlists, spikes against each series' own baseline, source health, and alerts
delivered in the app, by e-mail and by webhook in digests."""

from baochi.watch.check import CheckSummary, check, raise_alert, spike_alert
from baochi.watch.config import WatchConfig
from baochi.watch.digest import deliver_due, group, render
from baochi.watch.health import QuietRule, judge_quiet
from baochi.watch.notify import DeliveryError, Mailer, Message, Webhook, notifiers, sign, verify
from baochi.watch.spikes import DAILY, HOURLY, SpikeRule, Verdict, judge

__all__ = [
    "DAILY",
    "HOURLY",
    "CheckSummary",
    "DeliveryError",
    "Mailer",
    "Message",
    "QuietRule",
    "SpikeRule",
    "Verdict",
    "WatchConfig",
    "Webhook",
    "check",
    "deliver_due",
    "group",
    "judge",
    "judge_quiet",
    "notifiers",
    "raise_alert",
    "render",
    "sign",
    "spike_alert",
    "verify",
]
