"""Immediate-danger check: does this text say the writer (or a child) is in danger *now*?

A flag shows emergency help on the spot; the platform never follows up, so a missed flag
costs more than an extra help message. The check is the learned danger model (its
threshold chosen for recall on text by other authors), with the cue rules of
danger_rules.py among its features. It runs at intake on the web tier before sealing and
on SMS replies, on the plaintext (redacting first would cost more than the check itself;
on the 1,286 labelled texts, plaintext changed 20 decisions, all towards showing help, and
lost none), and again in the worker on the redacted text (pipeline.py).
"""

from __future__ import annotations

from feedback.themes.danger_rules import danger_events
from feedback.themes.learned import load_model

__all__ = ["danger_events", "load_danger_check", "signals_immediate_danger"]


def signals_immediate_danger(text: str) -> bool:
    """True when the danger model scores the text at or over its threshold."""
    model = load_model()
    return model.danger_probability(text) >= model.meta.danger_threshold


def load_danger_check() -> None:
    """Read the model now, at start-up: a missing or corrupt model stops the process here
    (TaggerModelUnavailable), and the first survivor to submit does not wait for it."""
    signals_immediate_danger("Warm up")
