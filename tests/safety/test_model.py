"""The risk classifier: sentence pieces, fitting with a calibrated threshold, saving, loading."""

from __future__ import annotations

import tarfile

import numpy as np

from frontdoor.safety.evaluation import risk_model_in
from frontdoor.safety.model import (
    RiskModel,
    alarm_thresholds,
    fit,
    pieces,
    threshold_for_recall,
    thresholds,
)
from frontdoor.safety.training import Example

RISK = [
    ("I want to die", "active_thoughts"),
    ("I have been thinking about killing myself", "active_thoughts"),
    ("I keep thinking about ending my life", "active_thoughts"),
    ("I wish I could go to sleep and not wake up", "passive_wish"),
    ("everyone would be better off if I was gone", "passive_wish"),
    ("I do not want to be alive any more", "passive_wish"),
    ("I have swallowed a whole packet of paracetamol", "attempt_in_progress"),
    ("I took all my pills an hour ago", "attempt_in_progress"),
    ("I am standing on the edge of the bridge", "attempt_in_progress"),
]
SAFE = [
    ("I would like to join a walking group", "everyday_request"),
    ("is there a knitting club in Louth", "everyday_request"),
    ("any choirs on a Tuesday evening", "everyday_request"),
    ("my feet are killing me after that walk", "figure_of_speech"),
    ("I am dying for a cup of tea", "figure_of_speech"),
    ("I nearly died laughing at the panto", "figure_of_speech"),
    ("yes please", "form_answers"),
    ("Boston", "form_answers"),
    ("mornings are best", "form_answers"),
]


def examples() -> list[Example]:
    risk = [
        Example(t, k, "danger_now" if k.startswith("attempt") else "self_harm") for t, k in RISK
    ]
    return risk + [Example(t, k, None) for t, k in SAFE]


def test_pieces_keep_the_whole_and_split_sentences_and_asides() -> None:
    text = "Is there a bingo night in Boston? Also I don't see the point of anything any more."
    parts = pieces(text)
    assert parts[0] == text
    assert "Is there a bingo night in Boston?" in parts
    assert "I don't see the point of anything any more" in parts


def test_pieces_of_a_short_message_is_the_message() -> None:
    assert pieces("yes please") == ["yes please"]


def test_threshold_catches_the_recall_asked_for() -> None:
    scores = np.array([0.9, 0.8, 0.3, 0.7, 0.1, 0.2])
    labels = np.array([True, True, True, True, False, False])
    assert threshold_for_recall(scores, labels, 1.0) == 0.3
    assert threshold_for_recall(scores, labels, 0.75) == 0.7


def test_thresholds_keep_the_floor_as_high_as_recall_allows() -> None:
    """The lexicon floor is the highest that reaches the recall, not the lowest."""
    probabilities = np.array([0.9, 0.6, 0.4, 0.5, 0.35, 0.3, 0.1, 0.02])
    labels = np.array([True, True, True, False, False, False, False, False])
    lexicon = np.array([False, False, True, False, True, True, True, False])
    high, low = thresholds(probabilities, labels, lexicon, 1.0)
    flagged = np.where(lexicon, probabilities >= low, probabilities >= high)
    assert flagged.tolist() == labels.tolist()  # no false alarm: 0.5 alone, 0.35 with words


def test_alarm_thresholds_keep_false_alarms_under_the_rate_with_the_most_recall() -> None:
    """Ten messages of no risk, so a 10% rate allows one false alarm and 0% none."""
    probabilities = np.array([0.95, 0.9, 0.6, 0.45, 0.3, *np.linspace(0.05, 0.5, 10)])
    labels = np.array([True] * 5 + [False] * 10)
    lexicon = np.array([False, False, False, True, True] + [False] * 9 + [True])
    for rate, allowed in ((0.0, 0), (0.1, 1)):
        high, low = alarm_thresholds(probabilities, labels, lexicon, rate)
        alarmed = np.where(lexicon, probabilities >= low, probabilities >= high)
        assert (alarmed & ~labels).sum() <= allowed
    high, low = alarm_thresholds(probabilities, labels, lexicon, 0.0)
    alarmed = np.where(lexicon, probabilities >= low, probabilities >= high)
    assert alarmed[labels].tolist() == [True, True, True, False, False]  # 0.5 has words
    high, low = alarm_thresholds(probabilities, labels, lexicon, 0.1)
    alarmed = np.where(lexicon, probabilities >= low, probabilities >= high)
    assert alarmed[labels].all()  # the one alarm allowed (0.5, with words) buys 0.45 and 0.3


def test_fit_separates_risk_from_requests_and_round_trips(tmp_path) -> None:
    model = fit(examples(), folds=3, target_recall=1.0)
    assert 0.0 < model.threshold < 1.0
    assert model.figures["cv_recall"] == 1.0
    by_kind = model.figures["flagged_by_kind"]
    assert set(by_kind) == {e.kind for e in examples()}
    assert sum(total for _, total in by_kind.values()) == len(examples())
    wishes = [counts for kind, counts in by_kind.items() if "wish" in kind]
    assert wishes and all(flagged == total for flagged, total in wishes)
    crisis = model.score("I'm going to take every tablet in the house tonight")
    safe = model.score("do you have any gardening groups near Sleaford")
    assert crisis.probability > safe.probability
    assert model.score("I've just taken a load of paracetamol").category == "danger_now"
    model.save(tmp_path)
    again = RiskModel.load(tmp_path)
    assert again.threshold == model.threshold
    assert np.allclose(again.support_vectors, model.support_vectors)
    assert again.lexicon_floor == model.lexicon_floor
    assert (again.alarm_threshold, again.alarm_floor) == (model.alarm_threshold, model.alarm_floor)
    assert model.alarm_threshold >= model.threshold and model.alarm_floor >= model.lexicon_floor
    assert model.figures["cv_alarm_false_alarm_rate"] <= model.figures["cv_false_alarm_rate"]
    text = "I want to die"
    assert again.score(text).probability == model.score(text).probability
    assert again.text is not None  # the n-gram half of the kernel came back too
    archive = tmp_path / "assistant.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:  # as Rasa packs a trained assistant
        for path in tmp_path.glob("risk_model*"):
            tar.add(path, arcname=f"components/train_SafetyNet/{path.name}")
    packed = risk_model_in(archive)
    for said in (text, "knitting group in Louth", "my dad keeps falling over"):
        assert packed.score(said).probability == model.score(said).probability
