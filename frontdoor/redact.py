"""Errors for the log without a resident's details.

An exception's message can carry what the resident said or gave: SQLAlchemy puts the
statement's parameters (a name, a phone number, the words that raised a flag) into its text.
Logs keep the kind of error and where it happened, never its message or the conversation id.
"""

from __future__ import annotations

import traceback


def error_summary(error: BaseException) -> str:
    """The error's type and the frames it passed through, without its message."""
    frames = traceback.extract_tb(error.__traceback__)
    where = " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1])
    return f"{type(error).__module__}.{type(error).__qualname__}" + (
        f" at {where}" if where else ""
    )
