"""The directory, read-only, as an Open Referral UK 3.0 API for other council systems.

Mounted by the console app at /oruk. Services are served as they were imported (the ORUK
record), with their status brought up to date; empty optional fields are left out.
"""

from __future__ import annotations

import json
import math
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, selectinload

from frontdoor.directory.oruk_spec import openapi as oruk_openapi
from frontdoor.directory.places import distance_miles, resolve_place
from frontdoor.directory.search import day_codes
from frontdoor.store.db import session_scope
from frontdoor.store.models import (
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    service_taxonomy,
)

PROFILE = "https://openreferral.org/open-referral-uk-profile/"
MAX_PER_PAGE = 200
METRES_PER_MILE = 1609.344


def create_oruk_app(database_url: str | None = None) -> FastAPI:
    """The ORUK API as its own app, with open CORS because it is public and read-only."""
    app = FastAPI(
        title="Frontdoor community directory (Open Referral UK 3.0)",
        version="3.0",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"])
    app.state.database_url = database_url
    _routes(app)
    return app


def _session(request: Request):
    return session_scope(request.app.state.database_url)


def _routes(app: FastAPI) -> None:
    @app.get("/")
    def root(request: Request) -> dict[str, str]:
        """What this API is: HSDS version, the ORUK profile, and the OpenAPI document."""
        base = f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}"
        return {"version": "3.0", "profile": PROFILE, "openapi_url": f"{base}/oruk-openapi.json"}

    @app.get("/oruk-openapi.json", include_in_schema=False)
    def spec() -> dict[str, Any]:
        return oruk_openapi()

    @app.get("/services")
    def services(
        request: Request,
        search: str | None = None,
        taxonomy_term_id: str | None = None,
        taxonomy_id: str | None = None,
        minimum_age: int | None = None,
        maximum_age: int | None = None,
        day: str | None = None,
        start_time: str | None = None,
        end_time: str | None = None,
        postcode: str | None = None,
        proximity: float | None = Query(None, description="metres from the postcode"),
        page: int = Query(1, ge=1),
        per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    ) -> dict[str, Any]:
        with _session(request) as session:
            query = _service_query(
                search, taxonomy_term_id, taxonomy_id, minimum_age, maximum_age, day
            )
            found = list(session.execute(query).scalars().unique())
            found = [s for s in found if _in_hours(s, start_time, end_time)]
            if postcode:
                found = _near(found, postcode, proximity)
            return _page([_listing(s) for s in found], page, per_page)

    @app.get("/services/{service_id}")
    def service(request: Request, service_id: str) -> dict[str, Any]:
        with _session(request) as session:
            row = session.get(Service, service_id)
            if row is None:
                raise HTTPException(404, "No service has this id.")
            return _full(row)

    @app.get("/service_at_locations")
    def service_at_locations(
        request: Request,
        search: str | None = None,
        taxonomy_term_id: str | None = None,
        taxonomy_id: str | None = None,
        postcode: str | None = None,
        proximity: float | None = None,
        day: str | None = None,
        start_time: str | None = None,
        end_time: str | None = None,
        page: int = Query(1, ge=1),
        per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    ) -> dict[str, Any]:
        with _session(request) as session:
            query = _service_query(search, taxonomy_term_id, taxonomy_id, None, None, day)
            found = list(session.execute(query).scalars().unique())
            found = [s for s in found if _in_hours(s, start_time, end_time)]
            if postcode:
                found = _near(found, postcode, proximity)
            items = [sal for s in found for sal in _sal_records(s)]
            return _page(items, page, per_page)

    @app.get("/service_at_locations/{sal_id}")
    def service_at_location(request: Request, sal_id: str) -> dict[str, Any]:
        with _session(request) as session:
            row = session.get(ServiceAtLocation, sal_id)
            if row is None:
                raise HTTPException(404, "No service at location has this id.")
            record = next(r for r in _sal_records(row.service) if r["id"] == sal_id)
            return {**record, "service": _listing(row.service)}

    @app.get("/taxonomies")
    def taxonomies(
        request: Request,
        page: int = Query(1, ge=1),
        per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    ) -> dict[str, Any]:
        with _session(request) as session:
            return _page(_taxonomy_list(session), page, per_page)

    @app.get("/taxonomies/{taxonomy_id}")
    def taxonomy(request: Request, taxonomy_id: str) -> dict[str, Any]:
        with _session(request) as session:
            for item in _taxonomy_list(session):
                if item["id"] == taxonomy_id:
                    terms = session.execute(
                        sa.select(TaxonomyTerm)
                        .where(TaxonomyTerm.vocabulary == taxonomy_id)
                        .order_by(TaxonomyTerm.name)
                    ).scalars()
                    return {**item, "taxonomy_terms": [_term(t) for t in terms]}
            raise HTTPException(404, "No taxonomy has this id.")

    @app.get("/taxonomy_terms")
    def taxonomy_terms(
        request: Request,
        search: str | None = None,
        taxonomy_id: str | None = None,
        page: int = Query(1, ge=1),
        per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    ) -> dict[str, Any]:
        with _session(request) as session:
            query = sa.select(TaxonomyTerm).order_by(TaxonomyTerm.name, TaxonomyTerm.id)
            if search:
                query = query.where(TaxonomyTerm.name.ilike(f"%{_like(search)}%", escape="\\"))
            if taxonomy_id:
                query = query.where(TaxonomyTerm.vocabulary == taxonomy_id)
            terms = session.execute(query).scalars()
            return _page([_term(t) for t in terms], page, per_page)

    @app.get("/taxonomy_terms/{term_id}")
    def taxonomy_term(request: Request, term_id: str) -> dict[str, Any]:
        with _session(request) as session:
            term = session.get(TaxonomyTerm, term_id)
            if term is None:
                raise HTTPException(404, "No taxonomy term has this id.")
            return _term(term)

    @app.exception_handler(ValueError)
    def bad_value(request: Request, error: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _service_query(
    search: str | None,
    taxonomy_term_id: str | None,
    taxonomy_id: str | None,
    minimum_age: int | None,
    maximum_age: int | None,
    day: str | None,
) -> sa.sql.Select:
    query = (
        sa.select(Service)
        .options(
            selectinload(Service.locations).selectinload(ServiceAtLocation.location),
            selectinload(Service.schedules),
        )
        .order_by(Service.name, Service.id)
    )
    if search:
        for word in search.lower().split():
            query = query.where(Service.search_text.like(f"%{_like(word)}%", escape="\\"))
    if taxonomy_term_id or taxonomy_id:
        query = query.join(service_taxonomy).join(TaxonomyTerm)
        if taxonomy_term_id:
            query = query.where(TaxonomyTerm.id == taxonomy_term_id)
        if taxonomy_id:
            query = query.where(TaxonomyTerm.vocabulary == taxonomy_id)
    if minimum_age is not None:  # services open to people this old or older
        query = query.where(
            sa.or_(Service.maximum_age.is_(None), Service.maximum_age >= minimum_age)
        )
    if maximum_age is not None:
        query = query.where(
            sa.or_(Service.minimum_age.is_(None), Service.minimum_age <= maximum_age)
        )
    if day:
        codes = day_codes(day) or {day.upper()[:2]}
        query = query.where(
            Service.schedules.any(sa.or_(*[Schedule.byday.contains(code) for code in codes]))
        )
    return query


def _in_hours(service: Service, start_time: str | None, end_time: str | None) -> bool:
    """Open at some point between start_time and end_time (HH:MM)."""
    if not start_time and not end_time:
        return True
    start, end = _hhmm(start_time or "00:00"), _hhmm(end_time or "23:59")
    return any(
        (s.opens_at or "00:00")[:5] < end and (s.closes_at or "23:59")[:5] > start
        for s in service.schedules
    )


def _hhmm(text: str) -> str:
    parts = text.strip().split(":")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        raise ValueError(f"{text!r} is not a time like 09:30")
    hours, minutes = int(parts[0]), int(parts[1])
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ValueError(f"{text!r} is not a time of day")
    return f"{hours:02d}:{minutes:02d}"


def _near(services: list[Service], postcode: str, proximity: float | None) -> list[Service]:
    """Services within proximity metres of the postcode, nearest first (default 10 miles)."""
    place = resolve_place(postcode)
    if place is None:
        raise ValueError(f"{postcode!r} is not a postcode in the area this directory covers")
    if proximity is not None and (not math.isfinite(proximity) or proximity < 0):
        raise ValueError("proximity must be a distance in metres, 0 or more")
    limit = (proximity if proximity is not None else 10 * METRES_PER_MILE) / METRES_PER_MILE
    scored = []
    for service in services:
        points = [
            (sal.location.latitude, sal.location.longitude)
            for sal in service.locations
            if sal.location.latitude is not None and sal.location.longitude is not None
        ]
        if points:
            distance = min(distance_miles(place, p) for p in points)
            if distance <= limit:
                scored.append((distance, service))
    return [service for _, service in sorted(scored, key=lambda row: (row[0], row[1].name))]


def _page(items: list[dict[str, Any]], page: int, per_page: int) -> dict[str, Any]:
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    contents = items[(page - 1) * per_page : page * per_page]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _record(service: Service) -> dict[str, Any]:
    record = json.loads(service.record) if service.record else _minimal(service)
    record["status"] = record.get("status", "active") if service.active else "inactive"
    return _without_empty(record)


def _minimal(service: Service) -> dict[str, Any]:
    """For services imported before records were kept."""
    return {
        "id": service.id,
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "fees": service.fees_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
    }


def _full(service: Service) -> dict[str, Any]:
    return _record(service)


def _listing(service: Service) -> dict[str, Any]:
    """One-to-one fields only, as ORUK's service list asks."""
    record = _record(service)
    return {k: v for k, v in record.items() if not isinstance(v, list)}


def _sal_records(service: Service) -> list[dict[str, Any]]:
    record = _record(service)
    out = []
    for sal in record.get("service_at_locations") or []:
        item = {"service_id": service.id, **sal}
        location = sal.get("location") or {}
        if location.get("id"):
            item["location_id"] = location["id"]
        out.append(_without_empty(item))
    return out


def _taxonomy_list(session: Session) -> list[dict[str, Any]]:
    vocabularies = session.execute(
        sa.select(TaxonomyTerm.vocabulary).distinct().order_by(TaxonomyTerm.vocabulary)
    ).scalars()
    return [
        {
            "id": vocabulary,
            "name": vocabulary.replace("-", " ").capitalize(),
            "description": f"Terms used to describe services, from the {vocabulary} vocabulary.",
        }
        for vocabulary in vocabularies
        if vocabulary
    ]


def _term(term: TaxonomyTerm) -> dict[str, Any]:
    return _without_empty(
        {
            "id": term.id,
            "name": term.name,
            "description": f"Services tagged {term.name}.",
            "taxonomy": term.vocabulary,
            "taxonomy_id": term.vocabulary,
            "term": term.name,
        }
    )


def _without_empty(node: Any) -> Any:
    """ORUK: leave optional fields out rather than send them empty."""
    if isinstance(node, dict):
        cleaned = {k: _without_empty(v) for k, v in node.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(node, list):
        return [_without_empty(item) for item in node]
    return node
