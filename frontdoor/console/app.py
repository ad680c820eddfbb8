"""The web app on CONSOLE_PORT: the ORUK directory API at /oruk, and a health check."""

from __future__ import annotations

from fastapi import FastAPI

from frontdoor.directory.api import create_oruk_app


def create_app(database_url: str | None = None) -> FastAPI:
    app = FastAPI(title="Frontdoor", docs_url=None, redoc_url=None)
    app.mount("/oruk", create_oruk_app(database_url))

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
