"""The data check counts a response as used when a rule or an action's code can send it."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from validate_data import sent_by_actions  # noqa: E402


def test_a_response_is_sent_when_an_action_names_its_key(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text(
        'say(dispatcher, "greet")\nsay(dispatcher, f"check_{kind}")\nQUESTION = "ask_safe_self"\n'
    )
    names = {"utter_greet", "utter_check_medical", "utter_ask_safe_self", "utter_forgotten"}
    assert sent_by_actions(names, (tmp_path,)) == names - {"utter_forgotten"}


def test_a_key_inside_longer_words_does_not_count(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text('TEXT = "please greet them"\nNAME = f"{x} check"\n')
    assert sent_by_actions({"utter_greet", "utter_check"}, (tmp_path,)) == set()
