"""The web app on CONSOLE_PORT: the link worker console and its JSON API, the residents' web
chat page at /chat, and the ORUK directory API at /oruk."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import RequestResponseEndpoint

from frontdoor.alerts.loop import alerts_running
from frontdoor.console import wellbeing_page
from frontdoor.console.chat_embed import embed_script
from frontdoor.console.deps import Forbidden, NotLoggedIn
from frontdoor.console.nul_guard import RefuseNul
from frontdoor.console.rasa_client import RasaClient
from frontdoor.console.routes import alerts, api, caseload, commissioning, pages
from frontdoor.console.workflow import ChatRelay, WorkflowError
from frontdoor.settings import PROJECT_ROOT, Settings, get_settings

STATIC = Path(__file__).with_name("static")
WEB = PROJECT_ROOT / "web"
HSTS = "max-age=31536000; includeSubDomains"
# Swagger UI for /api/docs (only with CONSOLE_API_DOCS=true): one pinned version from the CDN,
# each file checked against its SHA-384 (from the npm package swagger-ui-dist@5.35.0).
SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0"
SWAGGER_JS = f"{SWAGGER_UI}/swagger-ui-bundle.js"
SWAGGER_JS_SRI = "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
SWAGGER_CSS = f"{SWAGGER_UI}/swagger-ui.css"
SWAGGER_CSS_SRI = "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' {SWAGGER_JS}; style-src 'self' {SWAGGER_CSS}; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def create_app(
    database_url: str | None = None,
    settings: Settings | None = None,
    rasa: ChatRelay | None = None,
) -> FastAPI:
    """The console; pass a database URL, settings or a Rasa client to override the defaults."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Frontdoor link worker console",
        version="1.0",
        description="Pick up, claim, read, reply to and close referrals; the service's figures.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=alerts_running,  # raises and emails alerts in the background
    )
    app.state.settings = settings
    app.state.database_url = database_url or settings.database_url
    app.state.rasa = rasa or RasaClient.from_settings(settings)
    app.include_router(api.router)
    app.include_router(caseload.router)  # before the referral page's {action} route
    app.include_router(pages.router)
    app.include_router(commissioning.router)  # the commissioners' report
    app.include_router(alerts.router)
    app.include_router(wellbeing_page.router)  # residents' own page: no login
    if settings.console_api_docs:
        _api_docs(app)
    _chat_config(app, settings)
    _chat_embed(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/chat", StaticFiles(directory=WEB, html=True), name="chat")
    _mount_directory(app, database_url)
    _errors(app)
    app.add_middleware(RefuseNul, page=pages.error_page)
    _headers(app, settings)

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _api_docs(app: FastAPI) -> None:
    """Swagger UI for the JSON API: the pinned CDN files with their hashes, no inline script."""
    page = pages.templates.get_template("api_docs.html").render(
        title=app.title,
        css=SWAGGER_CSS,
        css_sri=SWAGGER_CSS_SRI,
        js=SWAGGER_JS,
        js_sri=SWAGGER_JS_SRI,
    )

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_CSP})


def _chat_config(app: FastAPI, settings: Settings) -> None:
    """Tell the residents' chat widget where the Rasa server is (PUBLIC_RASA_URL)."""
    script = f"window.FRONTDOOR_CHAT = {json.dumps({'rasaUrl': settings.public_rasa_url})};\n"

    @app.get("/chat/config.js", include_in_schema=False)
    def chat_config() -> Response:
        return Response(script, media_type="application/javascript")


def _chat_embed(app: FastAPI, settings: Settings) -> None:
    """The chat on a council's own pages, with one script tag (frontdoor/console/chat_embed.py)."""
    script = embed_script(WEB, settings.public_rasa_url)

    @app.get("/chat/embed.js", include_in_schema=False)
    def chat_embed() -> Response:
        return Response(
            script,
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=300"},  # on every page of the site
        )


def _mount_directory(app: FastAPI, database_url: str | None) -> None:
    from frontdoor.directory.api import create_oruk_app

    app.mount("/oruk", create_oruk_app(database_url))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _errors(app: FastAPI) -> None:
    def message(status: int, text: str) -> JSONResponse:
        return JSONResponse({"detail": text}, status_code=status)

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        if _is_api(request):
            text = str(exc) or "Log in, or send a valid bearer token."
            return JSONResponse(
                {"detail": text}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return message(403, exc.message)
        return pages.error_page(request, 403, exc.message)

    @app.exception_handler(WorkflowError)
    async def refused(request: Request, exc: WorkflowError) -> Response:
        if _is_api(request):
            return message(exc.status, exc.message)
        return pages.error_page(request, exc.status, exc.sentence)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _headers(app: FastAPI, settings: Settings) -> None:
    """No inline script, no framing, no caching of personal data; HTTPS only once on HTTPS."""
    rasa = _origin(settings.public_rasa_url)
    rasa_ws = rasa.replace("https://", "wss://").replace("http://", "ws://")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        connect = "'self'"
        if request.url.path.startswith("/chat"):
            connect = f"'self' {rasa} {rasa_ws}"
        if not request.url.path.startswith("/oruk"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                f"connect-src {connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if settings.console_https or request.url.scheme == "https":
            response.headers["Strict-Transport-Security"] = HSTS
        if not request.url.path.startswith(("/static", "/chat", "/oruk")):
            response.headers["Cache-Control"] = "no-store"
        return response
