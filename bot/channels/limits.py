"""What every channel does to a message before the assistant reads it.

- A length cap. The intent classifier's cost grows with the square of a message's length:
  one message of 50 KB stalled every conversation for 10 seconds and 100 KB asked for
  12.8 GB. A message longer than MAX_MESSAGE_CHARS is cut to that length (so the safety net
  still reads the start of it), the resident is told kindly, and the turn goes on.
- Only the assistant's own buttons may speak Rasa's "/intent" language. Rasa takes a message
  that starts with "/" as an intent and skips the NLU pipeline, the safety net with it, so
  "/affirm" typed by anyone was obeyed unchecked. Any other message that starts with "/" has
  its slashes taken off and is read as words, by the safety net first.
- Residents are always told when the action server fails. Rasa logs a failed action call
  (server down, unreachable, timed out after ACTIONS_TIMEOUT_SECONDS, or an error) and goes
  on without its events, so the resident used to hear nothing. The processor's own record of
  the failure, caught for this turn only (a context variable: concurrent turns never see
  each other's), is the signal: a paused conversation runs no action, so it stays silent as
  it should, and no health check guesses after the fact. The resident gets SORRY_TEXT and the
  turn is kept (their message is in the tracker), so they can send it again. A turn still
  running ACTIONS_TIMEOUT_SECONDS + TURN_MARGIN_SECONDS after it began, with an action failed,
  is answered then and left to finish on its own: Rasa may call the action server again.
- Nothing is lost while the store (DATABASE_URL: conversations and referrals) is down. The
  first thing a turn does is read the resident's conversation; if the store cannot give it,
  the tracker store raises StoreUnavailable, which ends the turn before the message is parsed
  or anything is said, so Rasa cannot start an empty conversation ("Sorry, I did not follow
  that"). The message is kept in the outbox (frontdoor/outbox.py: files on disk, no database
  needed) and the resident is told at once, with the team's number and, since the safety net
  has not read the message, the emergency numbers (OUTAGE_TEXT). No extra query is made on
  the way in: the store is asked `SELECT 1` only when there are held messages to replay.
  A background task (one a process, started with the first turn or the server) tries every
  OUTBOX_RETRY_SECONDS and, once the store answers, replays the held messages oldest first
  through the same handler, answering on the resident's channel. A newer message from a
  resident with messages held waits behind them: the held ones are replayed first, or, if
  the store is still down, it is held too.

Each channel wraps Rasa's handler with `limited`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from frontdoor.outbox import Held, Outbox, store_reachable
from frontdoor.responses import button_payloads, words
from frontdoor.settings import Settings, get_settings

# The channels' own words (bot/domain/channels.yml); {team_phone} is filled in when sent.
CUT_NOTE = words("utter_channel_message_cut")
SORRY_TEXT = words("utter_channel_sorry")
OUTAGE_TEXT = words("utter_channel_outage")
TURN_MARGIN_SECONDS = 5.0
STORE_CHECK_SECONDS = 3.0  # the store must answer SELECT 1 within this, or it counts as down
# What rasa.core.processor logs (with the exception) when an action's call fails: Rasa 3.6.
ACTION_FAILED = "Encountered an exception while running action"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Replayer = Callable[[Held], Awaitable[bool]]  # True once the held message's turn is done
OutputFor = Callable[[], OutputChannel | None]

logger = logging.getLogger(__name__)
_turn_failures: ContextVar[list[str] | None] = ContextVar("turn_failures", default=None)
_unfinished: set[asyncio.Future[Any]] = set()  # turns answered early, left to finish
_replaying: ContextVar[bool] = ContextVar("replaying", default=False)


class StoreUnavailable(BaseException):
    """The store failed as a turn read its conversation: the turn must stop there.

    A BaseException, so that Rasa's FailSafeTrackerStore (which catches Exception and starts
    an empty conversation) lets it through to `limited`."""


def in_turn() -> bool:
    """Whether the code running is part of a turn `limited` started."""
    return _turn_failures.get() is not None


def cut(text: str | None, limit: int) -> tuple[str | None, bool]:
    """The text within the limit, and whether it had to be cut."""
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit], True


def as_words(text: str | None) -> str | None:
    """A typed "/something" that is not one of our buttons, read as words."""
    if text is None or not text.lstrip().startswith("/") or text.strip() in button_payloads():
        return text
    return text.lstrip().lstrip("/").lstrip() or "?"


class ActionFailures(logging.Handler):
    """Notes, in the turn under way, each action the processor says failed."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _turn_failures.get()
        if failures is not None and str(record.msg).startswith(ACTION_FAILED):
            failures.append(record.getMessage())


def watch_action_failures() -> None:
    """Listen to Rasa's processor for failed actions (once per process)."""
    processor_log = logging.getLogger("rasa.core.processor")
    if not any(isinstance(h, ActionFailures) for h in processor_log.handlers):
        processor_log.addHandler(ActionFailures(logging.ERROR))


def start_turn(
    on_new_message: OnNewMessage, message: UserMessage
) -> tuple[asyncio.Future[Any], list[str]]:
    """Rasa's turn as a task, and the list its failed actions are noted in."""
    failures: list[str] = []
    token = _turn_failures.set(failures)
    try:  # the task takes a copy of this context, so the list is the turn's own
        return asyncio.ensure_future(on_new_message(message)), failures
    finally:
        _turn_failures.reset(token)


async def told_if_failed(
    on_new_message: OnNewMessage, message: UserMessage, patience: float, team_phone: str
) -> Any:
    """Run the turn; if an action failed in it, say sorry (after `patience` at the latest)."""
    turn, failures = start_turn(on_new_message, message)
    done, _ = await asyncio.wait({turn}, timeout=patience)
    while not done and not failures:  # slow but nothing failed: wait, checking each second
        done, _ = await asyncio.wait({turn}, timeout=1.0)
    if failures:
        logger.warning("a turn in %s lost an action: %s", message.sender_id, failures[0])
        if not done:
            _unfinished.add(turn)
            turn.add_done_callback(_unfinished.discard)
        if message.output_channel is not None:
            text = SORRY_TEXT.format(team_phone=team_phone)
            await message.output_channel.send_text_message(message.sender_id, text)
    return turn.result() if done else None


class Holding:
    """The outbox of this process: keeps turns while the store is down and replays them."""

    def __init__(self, settings: Settings) -> None:
        self.outbox = Outbox(settings.outbox_dir)
        self.database_url = settings.database_url
        self.retry_seconds = settings.outbox_retry_seconds
        self.team_phone = settings.team_phone
        self.patience = settings.actions_timeout_seconds + TURN_MARGIN_SECONDS
        self.replayers: dict[str, Replayer] = {}  # a channel that replays its own messages
        self.handlers: dict[str, OnNewMessage] = {}  # Rasa's handler, by channel name
        self.outputs: dict[str, OutputFor] = {}  # an output for a channel's residents
        self.live_outputs: dict[str, OutputChannel] = {}  # a held message's own, while here
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        self._task: asyncio.Task[None] | None = None

    def know(self, channel: str, handler: OnNewMessage, output: OutputFor | None) -> None:
        """How to replay a channel's messages: Rasa's handler, and an output for a resident."""
        self.handlers[channel] = handler
        if output is not None:
            self.outputs[channel] = output

    def ensure_replaying(self) -> None:
        """Start the background replay in this event loop, once."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._lock, self._task = loop, asyncio.Lock(), None
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._keep_replaying())

    async def reachable(self) -> bool:
        """Whether the store answers now (checked off the event loop, never for long)."""
        check = asyncio.to_thread(store_reachable, self.database_url, STORE_CHECK_SECONDS)
        try:
            return await asyncio.wait_for(check, STORE_CHECK_SECONDS + 2)
        except TimeoutError:
            return False

    async def must_hold(self, sender_id: str) -> bool:
        """Whether a new message must wait behind earlier messages of the same resident that
        are still held (after trying to replay them). The store is not asked otherwise: a
        turn that cannot read its conversation raises StoreUnavailable and is held then."""
        if _replaying.get() or not self.outbox.holds_sender(sender_id):
            return False
        await self.replay()
        return self.outbox.holds_sender(sender_id)

    async def hold_and_tell(self, message: UserMessage) -> None:
        """Keep the message in the outbox and tell the resident it is kept."""
        self.ensure_replaying()
        channel = message.input_channel or "rest"
        held = self.outbox.hold(channel, message.sender_id, message.text, message.metadata)
        logger.warning("the store is down: a message in %s is held to answer later", channel)
        if held is not None and message.output_channel is not None:
            self.live_outputs[held.name] = message.output_channel
        await self.tell(message.output_channel, message.sender_id)

    async def tell(self, output: OutputChannel | None, sender_id: str) -> None:
        """Say OUTAGE_TEXT, if there is anyone to say it to."""
        if output is not None:
            await output.send_text_message(sender_id, self.outage_text())

    def outage_text(self) -> str:
        return OUTAGE_TEXT.format(team_phone=self.team_phone)

    def replay_soon(self) -> None:
        """Replay now, in the background (a message was held while the store is up)."""
        self.ensure_replaying()
        task = asyncio.get_running_loop().create_task(self.replay())
        _unfinished.add(task)
        task.add_done_callback(_unfinished.discard)

    async def replay(self) -> int:
        """If the store answers, replay held messages oldest first, stopping at the first
        that cannot be done; how many were done."""
        self.ensure_replaying()
        assert self._lock is not None
        async with self._lock:
            self.outbox.recover_stale()
            if not self.outbox.pending() or not await self.reachable():
                return 0
            done = 0
            for held in self.outbox.pending():
                claimed = self.outbox.claim(held)
                if claimed is None:
                    continue  # another worker has it
                if not await self._replay_one(claimed):
                    self.outbox.release(claimed)
                    break
                self.outbox.done(claimed)
                self.live_outputs.pop(claimed.name, None)
                done += 1
            if done:
                logger.info("replayed %d held messages; %d still held", done, len(self.outbox))
            self._forget_gone_outputs()
            return done

    def _forget_gone_outputs(self) -> None:
        """Drop the outputs of held messages another worker has replayed."""
        still = {h.name for h in [*self.outbox.pending(), *self.outbox.claimed()]}
        for name in set(self.live_outputs) - still:
            del self.live_outputs[name]

    async def _replay_one(self, held: Held) -> bool:
        token = _replaying.set(True)
        try:
            replayer = self.replayers.get(held.channel, self._replay_turn)
            return await replayer(held)
        except Exception:  # kept, to try again: a message is never dropped
            logger.exception("a held message in %s could not be replayed", held.channel)
            return False
        finally:
            _replaying.reset(token)

    async def _replay_turn(self, held: Held) -> bool:
        """A held message through Rasa's handler, answered on the resident's channel."""
        handler = self.handlers.get(held.channel) or next(iter(self.handlers.values()), None)
        if handler is None:
            return False  # no channel has started yet
        message = UserMessage(
            held.text,
            self._output_for(held),
            held.sender_id,
            input_channel=held.channel,
            metadata=held.metadata or None,
        )
        try:
            await told_if_failed(handler, message, self.patience, self.team_phone)
        except StoreUnavailable:
            return False
        return True

    def _output_for(self, held: Held) -> OutputChannel:
        """The output the message came with, if this process still has it; else a new one
        for its channel; else one that collects (the answers stay in the conversation)."""
        output = self.live_outputs.get(held.name)
        if output is None and held.channel in self.outputs:
            output = self.outputs[held.channel]()
        return output if output is not None else CollectingOutputChannel()

    async def _keep_replaying(self) -> None:
        while True:
            try:
                if len(self.outbox):
                    await self.replay()
            except Exception:  # the loop must go on
                logger.exception("replaying held messages failed")
            await asyncio.sleep(self.retry_seconds)


_holding: Holding | None = None


def holding() -> Holding:
    """This process's outbox and its replay (made from the settings at first use)."""
    global _holding
    if _holding is None:
        _holding = Holding(get_settings())
    return _holding


def limited(
    on_new_message: OnNewMessage,
    limit: int | None = None,
    channel: str | None = None,
    output: OutputFor | None = None,
) -> OnNewMessage:
    """Rasa's handler, given at most `limit` characters (MAX_MESSAGE_CHARS by default), that
    says sorry when the action server fails and holds the message when the store is down.
    `channel` and `output` say how to answer a held message after a restart."""
    settings = get_settings()
    most = limit if limit is not None else settings.max_message_chars
    patience = settings.actions_timeout_seconds + TURN_MARGIN_SECONDS
    watch_action_failures()
    if channel is not None:
        holding().know(channel, on_new_message, output)

    async def handle(message: UserMessage) -> Any:
        message.text, was_cut = cut(as_words(message.text), most)
        if was_cut and message.output_channel is not None:
            await message.output_channel.send_text_message(message.sender_id, CUT_NOTE)
        box = holding()
        if len(box.outbox):  # held before (a restart, say): make sure they are replayed
            box.ensure_replaying()
        name = message.input_channel or channel or "rest"
        box.know(name, on_new_message, output if name == channel else None)
        if await box.must_hold(message.sender_id):
            return await box.hold_and_tell(message)
        try:
            return await told_if_failed(on_new_message, message, patience, settings.team_phone)
        except StoreUnavailable:
            return await box.hold_and_tell(message)

    return handle
