"""Stepping out of a form to confirm deleting details, and back in."""

from action_helpers import run, slots_set, tracker

from actions.pause import ActionPauseForm, ActionResumeForm


def test_a_running_form_is_paused_and_remembered() -> None:
    asked = tracker(
        {"requested_slot": "enjoys"}, intent="request_delete", active_loop="what_matters_form"
    )
    _, events = run(ActionPauseForm(), asked)
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert slots_set(events) == {"requested_slot": None, "paused_form": "what_matters_form"}


def test_nothing_to_pause_outside_a_form() -> None:
    _, events = run(ActionPauseForm(), tracker({}, intent="request_delete"))
    assert events == []


def test_resuming_forgets_the_paused_form() -> None:
    _, events = run(ActionResumeForm(), tracker({"paused_form": "referral_form"}, intent="deny"))
    assert slots_set(events) == {"paused_form": None}
