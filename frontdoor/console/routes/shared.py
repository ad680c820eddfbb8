"""What the pages and the JSON API both declare or send: the report's period, a download."""

from __future__ import annotations

from fastapi import Query
from fastapi.responses import PlainTextResponse

from frontdoor.console.workflow import Download

WEEKS = Query(12, ge=1, le=260, description="How many weeks back the figures go")


def download(file: Download) -> PlainTextResponse:
    """A file the browser saves rather than shows."""
    return PlainTextResponse(
        file.text,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )
