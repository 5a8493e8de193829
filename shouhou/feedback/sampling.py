"""The follow-up sample (000 第五篇 二: target customers 100 %, the others at least 30 %), as pure
arithmetic so that it can be checked by hand.

Events are decided one by one in a fixed order within a stream (one rule, one month, one
handling organisation, target customers or not). Each event gets a draw in [0, 1) computed from
the rule's seed, the stream and the event: the same seed always gives the same draws, whatever
machine or process computes them. The event is followed up when the stream would otherwise fall
below its share, or when its draw falls inside the share and the stream is not already one call
above it. After every decision, then, the stream has followed up at least ⌈share × events⌉ and
at most one more: never below the rule, never far above it, and which events are called is left
to the draws."""

from __future__ import annotations

import hashlib


def draw(*, seed: int, rule_id: int, period: str, organisation_id: int, key: str) -> float:
    """A uniform number in [0, 1) for one event of one stream, the same on every run."""
    text = f"{seed}:{rule_id}:{period}:{organisation_id}:{key}"
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def required(*, percent: int, decided: int) -> int:
    """How many of the first `decided` events must be followed up: ⌈percent × decided / 100⌉."""
    return -(-percent * decided // 100)


def is_selected(*, percent: int, sequence: int, selected_before: int, draw: float) -> bool:
    """Whether the event at `sequence` (0-based) of its stream is followed up, given how many of
    the events before it were."""
    if percent >= 100:
        return True
    if percent <= 0:
        return False
    needed = required(percent=percent, decided=sequence + 1)
    if selected_before < needed:
        return True
    return draw < percent / 100 and selected_before < needed + 1
