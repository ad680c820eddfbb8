"""Names of the conversation's slots that code reads or sets, in both the Rasa server (bot/)
and the action server (actions/); bot/domain declares them."""

from __future__ import annotations

TRIAGE_LEVEL = "triage_level"  # the care navigation level reached: 1, 2 or 3
FOR_WHOM = "for_whom"  # the person the help is for, when not the resident ("mum")
FORM_FAILURES = "form_failures"  # answers a form could not use in a row
ERASE_CONVERSATION = "erase_conversation"  # set by action_delete_my_data; the store erases
