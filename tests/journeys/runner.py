"""Runs a resident's scripted journey against the real assistant and judges it like a link worker.

A journey file (tests/journeys/*.yml) holds journeys of one kind of resident:

    kind: older people on their own
    journeys:
      - id: widow-louth-lunch-club            # unique across all files
        persona: Edna, 81, widowed, Louth, no car, writes in full sentences
        channel: rest                          # or sms (the real SMS channel, fake Twilio API)
        stand_ins: {name: Edna Marsh}          # optional: other values for stand-in answers
        turns:
          - say: hello                         # the resident's own words
          - choose: Find a group               # a button: tapped over REST, its number over SMS
          - say: somewhere to have a hot dinner with people
            then_asks: town                    # optional: the question asked after this turn
          - answer: whatever is asked          # one stand-in answer (see STAND_INS)
          - answer: until done                 # stand-in answers until nothing is asked
          - say: is it free?
            replies_about: [free, cost, pound] # optional: the turn is answered, in these words
        expect:
          level: 1                             # the highest care navigation level reached
          ends_in: suggestions                 # suggestions, plan, referral, no_referral,
                                               # deleted, answer
          groups: {in_town: Louth, words: [lunch]}
          referral: {stored: false}
          gaps: 0                              # no gap in provision recorded

Checks made on every journey, whatever it expects (what a link worker would notice):

- no dead end: the journey ends as `ends_in` says, and its last reply is not "not understood";
- never two "not understood" replies in a row: two resident turns running both answered with a
  "sorry, I did not understand / that does not look like..." reply (NOT_UNDERSTOOD below);
  offering a person (utter_offer_person) is the remedy, not another "not understood";
- no question asked twice after it was answered: a form question whose slot had kept an answer
  at the end of an earlier turn (cleared since only by the resident starting again, asking for
  something else, a new referral or deletion) is asked again; `may_ask_again` lists exceptions;
- no false alarm: no crisis reply unless the journey expects one (`crisis: true`);
- no way out that leads nowhere: "Show more" is not offered after "That is all";
- no group more than 10 miles away called "near" without the distance said;
- every reply is GSM-7 text (one non-GSM character more than doubles an SMS's cost).

Stand-in answers: `answer: whatever is asked` recognises the assistant's last question by its
words (the responses in bot/domain/*.yml) and answers it from STAND_INS, or from
the journey's `stand_ins`. Over SMS `phone_number`/`mobile_number` may be "{own number}".
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import random
import re
import statistics
import time
import urllib.error
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from assistant_servers import read_tracker, rest_replies

from frontdoor.directory.places import resolve_place
from frontdoor.responses import responses
from frontdoor.safety.categories import CATEGORIES
from frontdoor.sms import format_turn, is_gsm7, sms_conversation_id

HERE = Path(__file__).parent
KNOWN_FAILURES_FILE = HERE / "KNOWN_FAILURES.txt"

# The stand-in answers: what a resident says to the common questions, realistic values.
# Names are made up; numbers are Ofcom drama numbers; email at example.org.
STAND_INS: dict[str, str] = {
    "activity": "a walking group",
    "town": "Louth",
    "what_matters": "getting out of the house and seeing people",
    "getting_in_way": "I lost my confidence after my fall",
    "would_like_different": "to have something to look forward to in the week",
    "enjoys": "gardening and a good natter",
    "barriers": "I don't drive and the buses are not great",
    "free_when": "weekday mornings",
    "consent": "yes that's fine",
    "name": "Margaret Hill",
    "contact_method": "phone call please",
    "phone_number": "01632 960472",
    "mobile_number": "07700 900472",
    "email": "margaret.hill@example.org",
    "contact_time": "mornings are best",
    "confirm": "yes that's right",
    "link_worker_offer": "yes please",
    "offer_person": "no thanks",
    "confirm_delete": "yes",
    "yes_no": "yes please",
    "safety_check": "no, I'm fine thanks",
}

# The form questions whose slot and stand-in answer have one name (message key: the name).
SAME_NAMED: dict[str, str] = {
    "ask_activity": "activity",
    "ask_town": "town",
    "ask_what_matters_form_town": "town",
    "ask_what_matters": "what_matters",
    "ask_getting_in_way": "getting_in_way",
    "ask_would_like_different": "would_like_different",
    "ask_enjoys": "enjoys",
    "ask_barriers": "barriers",
    "ask_free_when": "free_when",
}

# Which stand-in answers which of the assistant's questions (message keys).
QUESTION_STAND_IN: dict[str, str] = {
    **SAME_NAMED,
    "activity_too_short": "activity",
    "unknown_place": "town",
    "ask_consent_share": "consent",
    "ask_contact_name": "name",
    "name_unclear": "name",
    "ask_contact_method": "contact_method",
    "contact_method_unclear": "contact_method",
    "ask_contact_detail_phone": "phone_number",
    "bad_phone": "phone_number",
    "ask_contact_detail_text": "mobile_number",
    "bad_mobile": "mobile_number",
    "ask_contact_detail_email": "email",
    "bad_email": "email",
    "ask_contact_time": "contact_time",
    "ask_referral_confirmed": "confirm",
    "offer_link_worker": "link_worker_offer",
    "offer_person": "offer_person",
    "ask_confirm_delete": "confirm_delete",
    "yes_no": "yes_no",  # a yes-or-no question in words this suite does not know yet
    **{f"check_{c}": "safety_check" for c in CATEGORIES},  # none of these journeys is at risk
}

# The slot each form question fills (for "no question asked twice").
QUESTION_SLOT: dict[str, str] = {
    **SAME_NAMED,
    "ask_contact_name": "contact_name",
    "ask_contact_method": "contact_method",
    "ask_contact_detail_phone": "contact_detail",
    "ask_contact_detail_text": "contact_detail",
    "ask_contact_detail_email": "contact_detail",
    "ask_contact_time": "contact_time",
}


def question_names(key: str | None) -> set[str]:
    """The names a journey may use for a question: its key, its slot, its stand-in."""
    if key is None:
        return set()
    names = {key, f"utter_{key}", key.removeprefix("ask_")}
    names |= {QUESTION_SLOT.get(key), QUESTION_STAND_IN.get(key)} - {None}  # type: ignore[arg-type]
    if key in REASKED:
        names.add(REASKED[key])
    return names


# Replies that ask the same question again after an answer that could not be used.
REASKED = {
    "activity_too_short": "activity",
    "unknown_place": "town",
    "name_unclear": "contact_name",
    "contact_method_unclear": "contact_method",
    "bad_phone": "contact_detail",
    "bad_mobile": "contact_detail",
    "bad_email": "contact_detail",
}


# Replies that say the assistant did not understand or could not use what was said.
NOT_UNDERSTOOD = {
    "please_rephrase",
    "default",
    "out_of_scope",
    "answer_too_short",
    "activity_too_short",
    "name_unclear",
    "contact_method_unclear",
    "bad_phone",
    "bad_mobile",
    "bad_email",
    "unknown_place",
}

# Replies that are menus, questions or apologies: never an answer to a resident's question.
NOT_AN_ANSWER = (
    NOT_UNDERSTOOD
    | set(QUESTION_STAND_IN)
    | {
        "greet",
        "restart",
        "help",
        "way_back",
        "thank",
        "form_way_out",
        "what_matters_intro",
        "link_worker_explain",
        "after_groups",
        "groups_found",
        "group_found",
        "groups_found_further",
        "group_found_further",
        "no_groups",
        "no_more_groups",
    }
)

CRISIS = {
    "crisis_self_harm",
    "crisis_someone_else",
    "crisis_danger_now",
    "crisis_domestic_abuse",
    "crisis_medical",
    "crisis_child_abuse",
    "crisis_adult_at_risk",
    "crisis_harm_to_others",
}

# Actions with which the resident (not a failed answer) clears a slot: asking again is fine.
RESETTING_ACTIONS = {
    "action_restart",
    "action_new_search",
    "action_start_handover",
    "action_start_urgent_handover",
    "action_delete_my_data",
}
NOT_REPEAT_CHECKED = {"consent_share", "referral_confirmed"}
NEAR_MILES = 10.0
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}


# ---------------------------------------------------------------------------- the journeys


@dataclass
class Turn:
    say: str | None = None
    choose: str | None = None
    answer: str | None = None  # "whatever is asked" or "until done"
    then_asks: str | None = None
    replies_about: list[str] = field(default_factory=list)


@dataclass
class Journey:
    id: str
    persona: str
    channel: str
    turns: list[Turn]
    expect: dict[str, Any]
    stand_ins: dict[str, str]
    kind: str
    file: str

    def stand_in(self, name: str) -> str:
        return str(self.stand_ins.get(name, STAND_INS[name]))


TURN_KEYS = {"say", "choose", "answer", "then_asks", "replies_about"}
EXPECT_KEYS = {
    "level",
    "ends_in",
    "groups",
    "referral",
    "gaps",
    "plan",
    "may_ask_again",
    "never_kept",
    "crisis",
    "not_asked",
}
ENDINGS = {"suggestions", "plan", "referral", "no_referral", "deleted", "answer"}
ANSWERS = {"whatever is asked", "until done"}  # or "until asked <question or slot>"


def load_journeys(folder: Path = HERE) -> list[Journey]:
    """Every journey in the folder's YAML files, checked for shape."""
    journeys: list[Journey] = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in document["journeys"]:
            turns = []
            for step in raw["turns"]:
                step = {"say": step} if isinstance(step, str) else step
                unknown = set(step) - TURN_KEYS
                assert not unknown, f"{path.name} {raw['id']}: unknown turn keys {unknown}"
                turn = Turn(**step)
                for said in (turn.say, turn.choose):
                    assert said is None or isinstance(said, str), (
                        f"{path.name} {raw['id']}: quote {said!r} (YAML read it as not text)"
                    )
                assert (turn.say, turn.choose, turn.answer).count(None) == 2, (raw["id"], step)
                assert turn.answer in ANSWERS | {None} or turn.answer.startswith("until asked "), (
                    raw["id"],
                    turn.answer,
                )
                turns.append(turn)
            expect = raw.get("expect") or {}
            unknown = set(expect) - EXPECT_KEYS
            assert not unknown, f"{path.name} {raw['id']}: unknown expectations {unknown}"
            assert expect.get("ends_in") in ENDINGS, f"{raw['id']}: ends_in is one of {ENDINGS}"
            stand_ins = raw.get("stand_ins") or {}
            assert all(isinstance(v, str) for v in stand_ins.values()), (raw["id"], stand_ins)
            assert set(stand_ins) <= set(STAND_INS), (raw["id"], set(stand_ins) - set(STAND_INS))
            assert raw.get("channel", "rest") in ("rest", "sms"), raw["id"]
            journeys.append(
                Journey(
                    id=raw["id"],
                    persona=raw["persona"],
                    channel=raw.get("channel", "rest"),
                    turns=turns,
                    expect=expect,
                    stand_ins=stand_ins,
                    kind=document.get("kind", path.stem),
                    file=path.name,
                )
            )
    return journeys


def known_failures(path: Path = KNOWN_FAILURES_FILE) -> dict[str, str]:
    """id -> reason, from lines "id  reason"; blank lines and # comments are skipped."""
    known: dict[str, str] = {}
    if not path.exists():
        return known
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        journey_id, _, reason = line.partition(" ")
        known[journey_id] = reason.strip() or "known failure"
    return known


# ------------------------------------------------------------------ what the assistant says


def response_key(name: str) -> str:
    """A response's key here: its name without utter_ ("utter_ask_town" -> "ask_town"); a
    question worded for someone the resident asks for is the same question."""
    return name.removeprefix("utter_").removesuffix("_for_other")


@lru_cache(maxsize=1)
def catalogue() -> list[tuple[str, re.Pattern[str]]]:
    """(key, pattern) for every text the assistant can send (every variant of every response,
    for every channel), placeholders as wildcards."""
    texts = [
        (response_key(name), str(variant["text"]))
        for name, variants in responses().items()
        for variant in variants
        if variant.get("text")
    ]
    patterns = []
    for key, text in texts:
        parts = re.split(r"\{[a-z_]+\}", text.strip())
        pattern = "(?:.*?)".join(re.escape(p) for p in parts)
        patterns.append((key, re.compile(pattern, re.S)))
    # Longest first, so a message is named by the most specific text it matches.
    return sorted(patterns, key=lambda kp: -len(kp[1].pattern))


def key_of(text: str) -> str | None:
    """The catalogue key of one message the assistant sent, or None for new words."""
    text = text.strip()
    for key, pattern in catalogue():
        if pattern.fullmatch(text):
            return key
    return None


@dataclass
class BotMessage:
    text: str
    buttons: list[dict[str, Any]] = field(default_factory=list)
    custom: dict[str, Any] | None = None

    @property
    def key(self) -> str | None:
        return key_of(self.text)

    @property
    def groups(self) -> list[dict[str, Any]]:
        if isinstance(self.custom, dict) and self.custom.get("type") == "groups":
            return list(self.custom.get("groups") or [])
        return []


@dataclass
class Exchange:
    """One resident turn: what they sent, how it reads, and what came back."""

    said: str
    shown: str
    replies: list[BotMessage]
    events: list[dict[str, Any]]
    sms_bodies: list[str] = field(default_factory=list)
    stand_in: str | None = None

    @property
    def keys(self) -> list[str | None]:
        return [m.key for m in self.replies]

    @property
    def not_understood(self) -> int:
        return sum(1 for k in self.keys if k in NOT_UNDERSTOOD)

    @property
    def intent(self) -> str | None:
        for event in self.events:
            if event.get("event") == "user":
                return ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        return None

    def last_question(self, before: str | None = None) -> str | None:
        """The key of the last question in this turn's replies (a re-ask counts)."""
        for message in reversed(self.replies):
            key = message.key
            if key == "answer_too_short":
                return before
            if key in QUESTION_STAND_IN:
                return key
            payloads = {b.get("payload") for b in message.buttons}
            if {"/affirm", "/deny"} <= payloads:  # a yes-or-no question this suite has no key for
                return "yes_no"
        return None


# ------------------------------------------------------------------------ talking to it


@dataclass
class Servers:
    """The real Rasa and action servers (one pair for the session), REST and SMS."""

    rasa_url: str
    token: str
    database_url: str
    sms_client: Any  # fake_twilio.SmsClient
    fake_twilio: Any  # fake_twilio.FakeTwilio
    sms_id_secret: str
    _engine: sa.engine.Engine | None = None

    @property
    def engine(self) -> sa.engine.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.database_url, future=True)
        return self._engine

    def rest(self, sender: str, text: str) -> list[dict[str, Any]]:
        return rest_replies(self.rasa_url, sender, text)

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        tracker = read_tracker(self.rasa_url, self.token, conversation_id, include_events="ALL")
        return list(tracker.get("events") or [])


class Conversation:
    """One resident's fresh conversation over REST or SMS."""

    _numbers = itertools.count(random.randrange(1000))  # numbers not used in a session yet

    @classmethod
    def _fresh_number(cls, servers: Servers) -> tuple[str, str]:
        """A drama number (07700 900xxx) no conversation in the store has used: the store is
        shared with the other suites, which text from numbers in the same range."""
        with servers.engine.connect() as connection:
            used = {
                r[0] for r in connection.execute(sa.text("select distinct sender_id from events"))
            }
            referred = connection.execute(sa.text("select conversation_id from referrals"))
            used |= {r[0] for r in referred}
        for _ in range(1000):
            number = f"+447700900{next(cls._numbers) % 1000:03d}"
            conversation = sms_conversation_id(number, servers.sms_id_secret)
            if conversation not in used:
                return number, conversation
        raise RuntimeError("every drama number has a conversation already")

    def __init__(self, servers: Servers, channel: str, journey_id: str) -> None:
        self.servers = servers
        self.channel = channel
        if channel == "sms":
            self.number, self.id = self._fresh_number(servers)
        else:
            self.number = None
            self.id = f"journey-{journey_id[:40]}-{uuid.uuid4().hex[:8]}"

    @property
    def own_number(self) -> str:
        """The resident's number as they would type it (07700 900123)."""
        return f"0{self.number[3:7]} {self.number[7:]}" if self.number else ""

    def send(self, text: str, shown: str) -> Exchange:
        if self.channel == "sms":
            return self._text(text, shown)
        replies = [
            BotMessage(r.get("text") or "", r.get("buttons") or [], r.get("custom"))
            for r in self.servers.rest(self.id, text)
        ]
        return Exchange(text, shown, replies, self._turn_events())

    def _turn_events(self) -> list[dict[str, Any]]:
        """This turn's tracker events: from the latest user message on (none if erased)."""
        events = self.servers.events(self.id)
        starts = [i for i, e in enumerate(events) if e.get("event") == "user"]
        return events[starts[-1] :] if starts else []

    def _text(self, text: str, shown: str) -> Exchange:
        fake, number = self.servers.fake_twilio, self.number
        before = len(fake.to(number))
        self.servers.sms_client.post(number, text)
        wait_for(lambda: len(fake.to(number)) > before, 60, f"no text back after {text!r}")
        events = self._turn_events()
        replies = [
            BotMessage(e.get("text") or "", _data(e).get("buttons") or [], _data(e).get("custom"))
            for e in events
            if e.get("event") == "bot"
        ]
        expected = len(format_turn([_as_message(m) for m in replies])[0]) if replies else 1
        # A long turn goes as several texts: wait for them all (the tracker has the words).
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: len(fake.to(number)) >= before + expected, 5, "texts missing")
        bodies = fake.to(number)[before:]
        if not replies:  # the conversation was erased: read what the phone got
            replies = [BotMessage(body) for body in bodies]
        return Exchange(text, shown, replies, events, sms_bodies=bodies)


def _data(event: dict[str, Any]) -> dict[str, Any]:
    return event.get("data") or {}


def _as_message(message: BotMessage) -> dict[str, Any]:
    out: dict[str, Any] = {"text": message.text}
    if message.buttons:
        out["buttons"] = message.buttons
    if message.custom:
        out["custom"] = message.custom
    return out


def wait_for(condition: Callable[[], bool], seconds: float, complaint: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(complaint)
        time.sleep(0.03)


# -------------------------------------------------------------------------- the result


@dataclass
class Result:
    journey: Journey
    conversation_id: str
    exchanges: list[Exchange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    completed: bool = False
    seconds: float = 0.0
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.problems and self.error is None

    @property
    def turns(self) -> int:
        return len(self.exchanges)

    @property
    def not_understood(self) -> int:
        return sum(x.not_understood for x in self.exchanges)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.journey.id,
            "channel": self.journey.channel,
            "passed": self.passed,
            "completed": self.completed,
            "turns": self.turns,
            "not_understood": self.not_understood,
            "problems": self.problems if self.error is None else [self.error],
            "seconds": round(self.seconds, 1),
            "explained": None if self.passed else self.explain(),  # the conversation, to read
        }

    def explain(self, limit: int = 260) -> str:
        """One readable paragraph: what failed, then the conversation as the resident saw it."""
        j = self.journey
        failed = "; ".join(self.problems) if self.problems else self.error
        lines = [
            f"Journey {j.id} ({j.file}, over {j.channel.upper()}): {j.persona}. "
            f"It failed because {failed}. The conversation ({self.conversation_id}):"
        ]
        for n, x in enumerate(self.exchanges, start=1):
            heard = f" [read as {x.intent}]" if x.intent else ""
            stand = f" (stand-in for {x.stand_in})" if x.stand_in else ""
            lines.append(f"  {n}. Resident: {x.shown}{stand}{heard}")
            for m in x.replies:
                said = " ".join(m.text.split())
                said = said if len(said) <= limit else said[: limit - 3] + "..."
                names = [g.get("name") for g in m.groups]
                extra = f" [group cards: {', '.join(names)}]" if names else ""
                if not said and not extra:
                    continue
                buttons = [b.get("title") for b in m.buttons]
                extra += f" [buttons: {' | '.join(buttons)}]" if buttons else ""
                lines.append(f"     Assistant: {said}{extra}")
        return "\n".join(lines)


RESULTS: list[Result] = []


def figures(results: list[Result]) -> list[str]:
    """The run's figures, as lines for the terminal summary."""
    if not results:
        return []
    total = len(results)
    completed = sum(r.completed for r in results)
    passed = sum(r.passed for r in results)
    turns = [r.turns for r in results]
    misunderstood = [r.not_understood for r in results]
    return [
        f"journeys completed (reached the end they should): {completed} / {total}",
        f"journeys passing every check: {passed} / {total}",
        f"median turns per journey: {statistics.median(turns):g} "
        f"(min {min(turns)}, max {max(turns)})",
        f'"not understood" replies per journey: mean {statistics.mean(misunderstood):.2f}, '
        f"max {max(misunderstood)}",
        f"time talking: {sum(r.seconds for r in results):.0f} s "
        f"({sum(r.journey.channel == 'sms' for r in results)} of the journeys over SMS)",
    ]


# -------------------------------------------------------------------------- running one


MAX_UNTIL_DONE = 25


def run_journey(journey: Journey, servers: Servers) -> Result:
    """Talk the journey through, then judge it. Never raises for the assistant's failings."""
    started = time.monotonic()
    conversation = Conversation(servers, journey.channel, journey.id)
    result = Result(journey, conversation.id)
    gaps_before = _count(servers, "gaps")
    try:
        _talk(journey, conversation, result)
    except _ScriptStop as stop:
        result.problems.append(f"the journey could not go on: {stop}")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        result.error = f"the assistant did not answer ({error})"
    result.seconds = time.monotonic() - started
    if result.error is None:
        Judge(journey, conversation, result, servers, gaps_before).judge()
    return result


def _talk(journey: Journey, conversation: Conversation, result: Result) -> None:
    pending: str | None = None  # the question the assistant last asked
    for step in journey.turns:
        asked_for = step.answer or ""
        until = asked_for.removeprefix("until asked ") if asked_for.startswith("until ask") else ""
        repeats = MAX_UNTIL_DONE if step.answer == "until done" or until else 1
        for _ in range(repeats):
            if until and until in question_names(pending):
                break
            previous = result.exchanges[-1] if result.exchanges else None
            stand_in = None
            if step.say is not None:
                text, shown = step.say, step.say
            elif step.choose is not None:
                text, shown = _choice(step.choose, previous, conversation.channel)
            else:
                if pending is None:
                    if step.answer == "until done":
                        break
                    if until:
                        raise _ScriptStop(f"it stopped asking before it asked {until}")
                    asked = " ".join(m.text for m in previous.replies) if previous else ""
                    raise _ScriptStop(
                        f"no question was asked to answer (last reply: {asked[:200]!r})"
                    )
                stand_in = QUESTION_STAND_IN[pending]
                text = journey.stand_in(stand_in)
                if text == "{own number}":
                    text = conversation.own_number
                shown = text
            exchange = conversation.send(text, shown)
            exchange.stand_in = stand_in
            result.exchanges.append(exchange)
            pending = exchange.last_question(before=pending)
            if step.then_asks is not None and step.then_asks not in question_names(pending):
                asked = QUESTION_SLOT.get(pending or "", pending)
                result.problems.append(
                    f"after turn {len(result.exchanges)} ({shown!r}) it should ask for "
                    f"{step.then_asks} but asked {asked or 'nothing'}"
                )
            if step.replies_about:
                _check_answered(result, exchange, step.replies_about)
            if step.answer == "until done" and pending is None:
                break
        else:
            if until:
                raise _ScriptStop(f"it never asked {until}")


class _ScriptStop(Exception):
    pass


def _choice(title: str, previous: Exchange | None, channel: str) -> tuple[str, str]:
    """A tap on the button with this title (its number over SMS); typed if not offered."""
    offered: list[dict[str, Any]] = []
    for message in previous.replies if previous else []:
        if message.buttons:
            offered = message.buttons
    for n, button in enumerate(offered, start=1):
        if str(button.get("title", "")).lower() == title.lower():
            if channel == "sms":
                return str(n), f"{n} (for {title})"
            return str(button.get("payload") or title), f"[taps] {title}"
    return title, f"{title} (typed: no such button was offered)"


def _check_answered(result: Result, exchange: Exchange, words: list[str]) -> None:
    answers = [m.text for m in exchange.replies if m.key not in NOT_AN_ANSWER]
    if not any(w.lower() in a.lower() for a in answers for w in words):
        result.problems.append(
            f"the question {exchange.shown!r} (turn {len(result.exchanges)}) was not answered "
            f"(expected a reply about {' / '.join(words)})"
        )


def _count(servers: Servers, table: str) -> int:
    with servers.engine.connect() as connection:
        return int(connection.execute(sa.text(f"select count(*) from {table}")).scalar_one())


# --------------------------------------------------------------------------- judging it


@dataclass
class Group:
    id: str
    name: str
    description: str
    towns: set[str]
    points: list[tuple[float, float]]
    minimum_age: int | None
    maximum_age: int | None
    days: set[str]
    opens: list[str]


def groups_by_id(servers: Servers, ids: list[str]) -> dict[str, Group]:
    if not ids:
        return {}
    query = sa.text(
        "select s.id, s.name, s.description, s.minimum_age, s.maximum_age, l.city, "
        "l.latitude, l.longitude from services s "
        "left join service_at_locations sal on sal.service_id = s.id "
        "left join locations l on l.id = sal.location_id where s.id in :ids"
    ).bindparams(sa.bindparam("ids", expanding=True))
    schedules = sa.text(
        "select service_id, byday, opens_at from schedules where service_id in :ids"
    ).bindparams(sa.bindparam("ids", expanding=True))
    found: dict[str, Group] = {}
    with servers.engine.connect() as connection:
        for row in connection.execute(query, {"ids": ids}):
            group = found.setdefault(
                row.id,
                Group(
                    row.id,
                    row.name,
                    row.description or "",
                    set(),
                    [],
                    row.minimum_age,
                    row.maximum_age,
                    set(),
                    [],
                ),
            )
            if row.city:
                group.towns.add(row.city)
            if row.latitude is not None:
                group.points.append((row.latitude, row.longitude))
        for row in connection.execute(schedules, {"ids": ids}):
            for code in (row.byday or "").split(","):
                group_days = found[row.service_id].days
                group_days.add(re.sub(r"^[-\d]+", "", code.strip()))
            if row.opens_at:
                found[row.service_id].opens.append(row.opens_at)
    return found


class Judge:
    """The checks a link worker would make, on one finished journey."""

    def __init__(
        self,
        journey: Journey,
        conversation: Conversation,
        result: Result,
        servers: Servers,
        gaps_before: int,
    ) -> None:
        self.j = journey
        self.expect = journey.expect
        self.conversation = conversation
        self.result = result
        self.servers = servers
        self.gaps_before = gaps_before
        self.x = result.exchanges
        self.problem = result.problems.append

    def messages(self) -> Iterator[tuple[int, BotMessage]]:
        for n, exchange in enumerate(self.x, start=1):
            for message in exchange.replies:
                yield n, message

    def judge(self) -> None:
        if not self.x:
            self.problem("nothing was said")
            return
        self.referral = self._referral()
        self.shown = [(n, m) for n, m in self.messages() if m.groups]
        self.result.completed = self.check_ending()
        self.check_never_two_not_understood()
        self.check_no_question_twice()
        self.check_level()
        self.check_no_false_alarm()
        self.check_no_empty_way_out()
        self.check_far_said()
        self.check_gsm7()
        self.check_groups()
        self.check_referral()
        self.check_plan()
        self.check_gaps()
        self.check_never_kept()
        self.check_not_asked()

    # -- the ending

    def check_ending(self) -> bool:
        ending = self.expect["ends_in"]
        last = self.x[-1]
        ok = True
        if not last.replies:
            self.problem("the last message got no reply at all (a dead end)")
            ok = False
        elif last.not_understood:
            self.problem(
                f"the conversation ends on a 'not understood' reply to {last.shown!r} (a dead end)"
            )
            ok = False
        keys = [m.key for _, m in self.messages()]
        stored = self.referral is not None
        told = any(re.search(r"FD-[A-Z0-9]+", m.text) for _, m in self.messages())
        if ending == "suggestions" and not self.shown:
            self.problem("no groups were suggested (a dead end: it should end in suggestions)")
            ok = False
        if ending == "plan":
            if "plan" not in keys:
                self.problem("no plan was read back (it should end in a plan and suggestions)")
                ok = False
            else:
                plan_turn = keys.index("plan")
                after = [m for i, (_, m) in enumerate(self.messages()) if i > plan_turn]
                if not any(m.groups for m in after):
                    self.problem("the plan was read back but no groups that fit it were suggested")
                    ok = False
        if ending == "referral" and not (stored and told):
            self.problem(
                "no referral was stored (a dead end: it should end in a referral to a link worker)"
                if not stored
                else "a referral was stored but the resident was never told its reference"
            )
            ok = False
        asked_for_one = (self.expect.get("referral") or {}).get("stored")
        if (
            ending in ("suggestions", "plan", "no_referral", "answer")
            and stored
            and not asked_for_one
        ):
            self.problem("a referral was stored though the resident did not ask for one")
            ok = False
        if ending == "deleted":
            if "deleted" not in keys:
                self.problem(
                    "the resident asked for their details to be deleted and never heard so"
                )
                ok = False
            if self._kept_personal_data():
                self.problem("personal details are still kept after the resident asked to delete")
                ok = False
        return ok

    # -- always

    def check_never_two_not_understood(self) -> None:
        for n in range(1, len(self.x)):
            if self.x[n - 1].not_understood and self.x[n].not_understood:
                self.problem(
                    f"two 'not understood' replies in a row (turns {n} and {n + 1}: "
                    f"{self.x[n - 1].shown!r}, then {self.x[n].shown!r})"
                )
                return

    def check_no_question_twice(self) -> None:
        allowed = set(self.expect.get("may_ask_again") or []) | NOT_REPEAT_CHECKED
        answered: dict[str, str] = {}
        values: dict[str, Any] = {}
        pending: str | None = None  # the slot the assistant asked for before this turn
        for n, exchange in enumerate(self.x, start=1):
            last_action = None
            for event in exchange.events:
                kind = event.get("event")
                if kind == "action":
                    last_action = event.get("name")
                elif kind in ("restart", "session_started", "reset_slots"):
                    answered.clear()
                    values.clear()
                elif kind == "slot":
                    name, value = event.get("name"), event.get("value")
                    values[name] = value
                    if value in (None, []) and last_action in RESETTING_ACTIONS:
                        answered.pop(name, None)
                elif kind == "bot":
                    slot = QUESTION_SLOT.get(key_of(event.get("text") or "") or "")
                    if slot and slot in answered and slot not in allowed:
                        self.problem(
                            f"it asked for {slot} again in turn {n} though the resident had "
                            f"answered {answered[slot]!r}"
                        )
                        return
            # Answered: the answer to the question asked, or said unasked (not a word picked
            # out of the answer to another question).
            for name, value in values.items():
                fresh = value not in (None, [], "") and name not in answered
                if fresh and (pending is None or pending == name):
                    answered[name] = str(value)
            question = exchange.last_question()
            pending = QUESTION_SLOT.get(question or "") if question else None

    def check_level(self) -> None:
        wanted = self.expect.get("level")
        if wanted is None:
            return
        levels = [
            e.get("value")
            for x in self.x
            for e in x.events
            if e.get("event") == "slot" and e.get("name") == "triage_level"
        ]
        reached = max((int(v) for v in levels if v is not None), default=None)
        if self.referral is not None:
            reached = max(reached or 0, int(self.referral["level"]))
        if reached != wanted:
            got = "never reached a level" if reached is None else f"reached level {reached}"
            self.problem(f"it should reach level {wanted} but {got}")

    def check_no_false_alarm(self) -> None:
        if self.expect.get("crisis"):
            return
        for n, message in self.messages():
            if message.key in CRISIS:
                self.problem(f"a crisis reply in turn {n} though nothing said showed risk")
                return

    def check_no_empty_way_out(self) -> None:
        for exchange in self.x:
            keys = exchange.keys
            if "no_more_groups" in keys:
                after = exchange.replies[keys.index("no_more_groups") :]
                titles = [b.get("title") for m in after for b in m.buttons]
                if "Show more" in titles:
                    self.problem("'Show more' is offered right after 'That is all I have'")
                    return

    def check_far_said(self) -> None:
        for n, message in self.shown:
            said = self._text_at(n)  # the cards come in a message of their own after the text
            place = self._searched_place(n)
            if place is None:
                continue
            found = groups_by_id(self.servers, [g["id"] for g in message.groups])
            for card in message.groups:
                group = found.get(card["id"])
                if group is None or not group.points:
                    continue
                miles = min(_miles(place, p) for p in group.points)
                if miles > NEAR_MILES and "mile" not in said.lower():
                    self.problem(
                        f"{group.name} is {miles:.0f} miles from {place.name} but the reply "
                        f"calls it near without saying how far (turn {n})"
                    )
                    return

    def _searched_place(self, turn: int) -> Any:
        match = re.search(
            r"(?:near|trip from) ([A-Z][A-Za-z' -]+?)(?: that might|, so check)",
            self._text_at(turn),
        )
        return resolve_place(match.group(1)) if match else None

    def _text_at(self, turn: int) -> str:
        return " ".join(m.text for m in self.x[turn - 1].replies)

    def check_gsm7(self) -> None:
        for n, message in self.messages():
            if not is_gsm7(message.text):
                self.problem(f"a reply in turn {n} is not GSM-7 text: {message.text[:80]!r}")
                return
        for exchange in self.x:
            for body in exchange.sms_bodies:
                if not is_gsm7(body):
                    self.problem(f"a text sent is not GSM-7: {body[:80]!r}")
                    return

    # -- as expected

    def check_groups(self) -> None:
        wanted = self.expect.get("groups")
        if not wanted or not self.shown:
            return
        every_id = [g["id"] for _, m in self.shown for g in m.groups]
        found = groups_by_id(self.servers, every_id)
        n, message = self.shown[-1]
        last = [found[g["id"]] for g in message.groups if g["id"] in found]
        names = ", ".join(g.name for g in last)
        where = f"the groups suggested in turn {n} ({names})"
        if "in_town" in wanted and not (last and wanted["in_town"] in last[0].towns):
            self.problem(f"{where} should start with one in {wanted['in_town']}")
        if "include" in wanted:
            shown = {found[i].name for i in every_id if i in found}
            for name in _as_list(wanted["include"]):
                if name not in shown:
                    self.problem(f"{name} should be suggested, but {where} are shown")
        if "first" in wanted and not (last and last[0].name == wanted["first"]):
            self.problem(f"{wanted['first']} should come first in {where}")
        if "words" in wanted and not (last and _mentions(last[0], wanted["words"])):
            self.problem(
                f"the first of {where} should be about {' / '.join(_as_list(wanted['words']))}"
            )
        for word in _as_list(wanted.get("not_words", [])):
            for group in last:
                if _mentions(group, [word]):
                    self.problem(f"{group.name} is suggested though it is about {word}")
        if "covers" in wanted:
            every = [found[i] for i in every_id if i in found]
            for words in wanted["covers"]:
                if not any(_mentions(g, words) for g in every):
                    self.problem(
                        f"nothing about {' / '.join(words)} was suggested "
                        f"(only {', '.join(g.name for g in every)})"
                    )
        if "age" in wanted:
            age = int(wanted["age"])
            for group in last:
                low, high = group.minimum_age or 0, group.maximum_age or 200
                if not low <= age <= high:
                    self.problem(f"{group.name} is for ages {low} to {high}, not {age}")
        if "days" in wanted:
            days = set(wanted["days"])
            for group in last:
                if not group.days & days:
                    self.problem(f"{group.name} meets on {_days(group.days)}, not on {_days(days)}")
        if "not_days" in wanted:
            days = set(wanted["not_days"])
            for group in last:
                if group.days and group.days <= days:
                    self.problem(f"{group.name} meets only on {_days(group.days)}")
        if "evenings_or_days" in wanted:
            days = set(wanted["evenings_or_days"])
            for group in last:
                evening = any(o >= "17:00" for o in group.opens)
                if not evening and not group.days & days:
                    self.problem(
                        f"{group.name} meets on {_days(group.days)} at "
                        f"{', '.join(group.opens)}: neither an evening nor {_days(days)}"
                    )
        if "at_least" in wanted and len(last) < int(wanted["at_least"]):
            self.problem(f"only {len(last)} group(s) suggested, at least {wanted['at_least']}")

    def check_referral(self) -> None:
        wanted = self.expect.get("referral")
        if wanted is None:
            return
        row = self.referral
        if not wanted.get("stored", True):
            if row is not None:
                self.problem(f"a referral ({row['reference']}) was stored though it should not be")
            return
        if row is None:
            if self.expect["ends_in"] != "referral":  # said already by check_ending
                self.problem("no referral was stored")
            return
        where = f"the referral {row['reference']}"
        if row["channel"] != self.j.channel:
            self.problem(f"{where} says channel {row['channel']}, not {self.j.channel}")
        for column in ("level", "urgency", "contact_method", "contact_detail", "contact_name"):
            value = wanted.get(column)
            if value == "{own number}":
                value = self.conversation.own_number
            if column in wanted and str(row[column]) != str(value):
                self.problem(f"{where} has {column} {row[column]!r}, not {value!r}")
        if "contact_time_has" in wanted and not _has_any(
            row["contact_time"], wanted["contact_time_has"]
        ):
            self.problem(f"{where} has contact time {row['contact_time']!r}")
        answers = row["what_matters"] or {}
        if isinstance(answers, str):
            answers = json.loads(answers) or {}
        if wanted.get("what_matters") and not answers.get("what_matters"):
            self.problem(f"{where} carries nothing for what matters to the resident")
        if "what_matters_has" in wanted and not _has_any(
            json.dumps(answers), wanted["what_matters_has"]
        ):
            self.problem(
                f"{where} does not carry what matters ({' / '.join(wanted['what_matters_has'])}):"
                f" it holds {answers!r}"
            )
        if wanted.get("plan") and not row["plan"]:
            self.problem(f"{where} carries no plan though one was made")
        if "summary_has" in wanted and not _has_any(row["summary"], wanted["summary_has"]):
            self.problem(
                f"{where}'s summary {row['summary']!r} does not say "
                f"{' / '.join(wanted['summary_has'])}"
            )
        if "for_whom" in wanted:
            said = " ".join(str(row[c] or "") for c in ("summary", "plan"))
            if not _has_any(said, wanted["for_whom"]):
                self.problem(
                    f"{where} does not say who it is for ({' / '.join(wanted['for_whom'])}): "
                    f"summary {row['summary']!r}"
                )
        if "town" in wanted and row["town"] != wanted["town"]:
            self.problem(f"{where} has town {row['town']!r}, not {wanted['town']!r}")

    def check_plan(self) -> None:
        wanted = self.expect.get("plan")
        if not wanted:
            return
        plans = [m.text for _, m in self.messages() if m.key == "plan"]
        if not plans:
            if self.expect["ends_in"] != "plan":
                self.problem("no plan was read back")
            return
        text = plans[-1]
        if "has" in wanted and not _has_any(text, wanted["has"]):
            self.problem(f"the plan {text!r} does not mention {' / '.join(wanted['has'])}")
        for phrase in wanted.get("not_has", []):
            if phrase.lower() in text.lower():
                self.problem(f"the plan reads {phrase!r}: {text!r}")

    def check_gaps(self) -> None:
        if "gaps" not in self.expect:
            return
        recorded = _count(self.servers, "gaps") - self.gaps_before
        if recorded != int(self.expect["gaps"]):
            needs = self._latest_gaps(recorded)
            self.problem(
                f"{recorded} gap(s) in provision recorded ({needs}), expected {self.expect['gaps']}"
            )

    def _latest_gaps(self, count: int) -> str:
        if count <= 0:
            return "none"
        with self.servers.engine.connect() as connection:
            rows = connection.execute(
                sa.text("select need, area from gaps order by id desc limit :n"), {"n": count}
            ).all()
        return "; ".join(f"{r.need!r} in {r.area}" for r in rows)

    def check_never_kept(self) -> None:
        """A value kept as the answer at the end of a turn (not one the form turned down)."""
        for slot, bad in (self.expect.get("never_kept") or {}).items():
            for n, exchange in enumerate(self.x, start=1):
                kept = None
                for event in exchange.events:
                    if event.get("event") == "slot" and event.get("name") == slot:
                        kept = str(event.get("value") or "").strip(" .!").lower()
                if kept and kept in [b.lower() for b in _as_list(bad)]:
                    self.problem(f"{exchange.shown!r} was kept as {slot} (turn {n})")
                    return
        if self.referral is not None:
            for slot, bad in (self.expect.get("never_kept") or {}).items():
                if slot in self.referral and str(self.referral[slot] or "").lower() in [
                    b.lower() for b in _as_list(bad)
                ]:
                    self.problem(f"the referral keeps {self.referral[slot]!r} as {slot}")

    def check_not_asked(self) -> None:
        for slot in self.expect.get("not_asked") or []:
            for n, message in self.messages():
                key = message.key or ""
                if QUESTION_SLOT.get(key) == slot or key == response_key(slot):
                    self.problem(f"it asked for {slot} (turn {n}) though it should not")
                    return

    # -- the store

    def _referral(self) -> dict[str, Any] | None:
        with self.servers.engine.connect() as connection:
            row = (
                connection.execute(
                    sa.text("select * from referrals where conversation_id = :c order by id desc"),
                    {"c": self.conversation.id},
                )
                .mappings()
                .first()
            )
        return dict(row) if row is not None else None

    def _kept_personal_data(self) -> bool:
        row = self.referral
        return row is not None and (row["contact_detail"] or row["contact_name"]) is not None


def _miles(place: Any, point: tuple[float, float]) -> float:
    shrink = math.cos(math.radians(place.latitude))
    return 69.09 * math.hypot(point[0] - place.latitude, (point[1] - place.longitude) * shrink)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _mentions(group: Group, words: list[str] | str) -> bool:
    text = f"{group.name} {group.description}".lower()
    return any(w.lower() in text for w in _as_list(words))


def _has_any(text: str | None, words: list[str]) -> bool:
    return any(w.lower() in (text or "").lower() for w in _as_list(words))


def _days(codes: set[str]) -> str:
    order = list(DAY_NAMES)
    ranked = sorted(codes, key=lambda c: order.index(c) if c in order else len(order))
    return ", ".join(DAY_NAMES.get(c, c) for c in ranked) or "no set day"
