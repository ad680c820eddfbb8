"""The words a resident gets when a link worker sends them groups: a text message (GSM-7, cut
into bodies as frontdoor/sms.py cuts a turn) or a plain-text email."""

from __future__ import annotations

from dataclasses import dataclass

from frontdoor.directory.search import GroupCard
from frontdoor.sms import compact_groups, join_messages, to_gsm7
from frontdoor.text import tidy

TEAM = "the community support team"
EMAIL_SUBJECT = "Groups from the community support team"


@dataclass(frozen=True)
class Sender:
    """Who the message is from and to: first names as people use them, the team's number."""

    resident_name: str | None
    worker_first_name: str
    team_phone: str

    @property
    def greeting(self) -> str:
        name = tidy(self.resident_name)
        return f"Hello {name}," if name else "Hello,"

    @property
    def introduction(self) -> str:
        """Who is writing, to follow the greeting: "this is Sam from the ... team." """
        return f"this is {self.worker_first_name} from {TEAM}."

    @property
    def closing(self) -> str:
        return f"If you have any questions, call us on {self.team_phone}."


def sms_bodies(cards: list[GroupCard], sender: Sender) -> list[str]:
    """The groups as text messages: one short line each, as few bodies as fit."""
    intro = f"{sender.greeting} {sender.introduction} Here are the groups we talked about:"
    return join_messages([intro, compact_groups([_plain(card) for card in cards]), sender.closing])


def _plain(card: GroupCard) -> GroupCard:
    """The card's words as a text carries them, tidied once more: a character GSM-7 lacks (an
    emoji) may have left a space behind."""
    plain = card.copy()
    for key in ("name", "when", "where", "cost", "contact"):
        plain[key] = tidy(to_gsm7(str(card[key] or "")))
    return plain


def email_text(cards: list[GroupCard], sender: Sender) -> str:
    """The groups as a plain-text email: each with when, where, cost, who for and contact."""
    parts = [
        sender.greeting,
        f"{_sentence(sender.introduction)} Here are the groups we talked about.",
        *(_email_group(card) for card in cards),
        sender.closing,
        f"Best wishes,\n{sender.worker_first_name}, {TEAM}",
    ]
    return "\n\n".join(parts) + "\n"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _email_group(card: GroupCard) -> str:
    lines = [
        tidy(card["name"]),
        tidy(card["summary"]),
        f"When: {tidy(card['when'])}",
        f"Where: {tidy(card['where'])}",
        f"Cost: {tidy(card['cost'])}",
        f"Who it is for: {tidy(card['for_whom'])}",
    ]
    if card["contact"]:
        lines.append(f"Contact: {tidy(card['contact'])}")
    if card["website"]:
        lines.append(f"Website: {card['website']}")
    if card["map"]:
        lines.append(f"Map: {card['map']}")
    return "\n".join(line for line in lines if line)


def sent_note(names: list[str], by_words: str) -> str:
    """What the contact log says was sent: "Sent 2 groups by text: A, B." """
    count = f"{len(names)} group{'s' * (len(names) != 1)}"
    return f"Sent {count} by {by_words}: {', '.join(names)}."
