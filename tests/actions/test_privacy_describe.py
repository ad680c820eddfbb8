"""What the assistant says it keeps names every kind of detail, the safety flags too."""

from __future__ import annotations

from actions.privacy import describe


def test_the_words_a_safety_flag_kept_are_mentioned() -> None:
    kept = {"referrals": [], "risk_flags": [{"category": "self_harm", "words": "kms"}]}
    assert "safety check" in describe(kept)


def test_nothing_kept_says_nothing() -> None:
    assert describe({"referrals": [], "risk_flags": []}) == ""
