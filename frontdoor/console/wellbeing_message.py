"""The words a resident gets at closing with the link to the wellbeing questions: a text
message (GSM-7) or a plain-text email."""

from __future__ import annotations

from frontdoor.console.group_message import TEAM, Sender
from frontdoor.sms import to_gsm7
from frontdoor.text import tidy
from frontdoor.wellbeing import QUESTIONS
from frontdoor.wellbeing_link import LIFETIME

EMAIL_SUBJECT = "How are you now? A few questions from the community support team"
ASK = (
    f"We would like to know how you are now: {len(QUESTIONS)} short questions, "
    "and you can skip any of them."
)
LASTS = f"The link works once, for {LIFETIME.days} days."


def sms_bodies(url: str, sender: Sender) -> list[str]:
    """The link as one text message, in GSM-7 only."""
    text = f"{sender.greeting} {sender.introduction} {ASK} {url} {LASTS} {sender.closing}"
    return [tidy(to_gsm7(text))]


def email_text(url: str, sender: Sender) -> str:
    """The link as a plain-text email."""
    parts = [
        sender.greeting,
        f"This is {sender.worker_first_name} from {TEAM}. Thank you for working with us. {ASK}",
        url,
        f"{LASTS} {sender.closing}",
        f"Best wishes,\n{sender.worker_first_name}, {TEAM}",
    ]
    return "\n\n".join(parts) + "\n"
