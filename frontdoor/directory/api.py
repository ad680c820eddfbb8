"""The directory, read-only, as an Open Referral UK 3.0 API for other council systems.

Mounted by the console app at /oruk. Services are served as they were imported (the ORUK
record), with their status brought up to date; empty optional fields are left out.
"""

from __future__ import annotations

import json
import math
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Query, Request
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
from frontdoor.text import folded

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


def _session(request: Request) -> AbstractContextManager[Session]:
    return session_scope(request.app.state.database_url)


@dataclass
class _Filters:
    """What the services listed may be narrowed by (ORUK's query parameters)."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    minimum_age: int | None = None  # services open to people this old or older
    maximum_age: int | None = None  # services open to people this young or younger
    postcode: str | None = None
    proximity: float | None = Query(None, description="metres from the postcode")
    day: str | None = None
    start_time: str | None = None
    end_time: str | None = None


@dataclass
class _Paging:
    """Which page of a list, and how long a page is."""

    page: int = Query(1, ge=1)
    per_page: int = Query(50, ge=1, le=MAX_PER_PAGE)

    def of(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        """This page of the items, with ORUK's counts."""
        total = len(items)
        pages = max(1, math.ceil(total / self.per_page))
        contents = items[(self.page - 1) * self.per_page : self.page * self.per_page]
        return {
            "total_items": total,
            "total_pages": pages,
            "page_number": self.page,
            "size": len(contents),
            "first_page": self.page == 1,
            "last_page": self.page >= pages,
            "empty": not contents,
            "contents": contents,
        }


Filters = Annotated[_Filters, Depends()]
Paging = Annotated[_Paging, Depends()]


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
    def services(request: Request, filters: Filters, paging: Paging) -> dict[str, Any]:
        with _session(request) as session:
            found = _matching(session, filters)
            return paging.of([_listing(s) for s in found])

    @app.get("/services/{service_id}")
    def service(request: Request, service_id: str) -> dict[str, Any]:
        with _session(request) as session:
            return _full(_found(session, Service, service_id, "service"))

    @app.get("/service_at_locations")
    def service_at_locations(request: Request, filters: Filters, paging: Paging) -> dict[str, Any]:
        with _session(request) as session:
            found = _matching(session, filters)
            return paging.of([sal for s in found for sal in _sal_records(s)])

    @app.get("/service_at_locations/{sal_id}")
    def service_at_location(request: Request, sal_id: str) -> dict[str, Any]:
        with _session(request) as session:
            row = _found(session, ServiceAtLocation, sal_id, "service at location")
            record = next(r for r in _sal_records(row.service) if r["id"] == sal_id)
            return {**record, "service": _listing(row.service)}

    @app.get("/taxonomies")
    def taxonomies(request: Request, paging: Paging) -> dict[str, Any]:
        with _session(request) as session:
            return paging.of(_taxonomy_list(session))

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
        paging: Paging,
        search: str | None = None,
        taxonomy_id: str | None = None,
    ) -> dict[str, Any]:
        with _session(request) as session:
            query = sa.select(TaxonomyTerm).order_by(TaxonomyTerm.name, TaxonomyTerm.id)
            if search:
                query = query.where(TaxonomyTerm.name.ilike(f"%{_like(search)}%", escape="\\"))
            if taxonomy_id:
                query = query.where(TaxonomyTerm.vocabulary == taxonomy_id)
            terms = session.execute(query).scalars()
            return paging.of([_term(t) for t in terms])

    @app.get("/taxonomy_terms/{term_id}")
    def taxonomy_term(request: Request, term_id: str) -> dict[str, Any]:
        with _session(request) as session:
            return _term(_found(session, TaxonomyTerm, term_id, "taxonomy term"))

    @app.exception_handler(ValueError)
    def bad_value(request: Request, error: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)


_Row = TypeVar("_Row", Service, ServiceAtLocation, TaxonomyTerm)


def _found(session: Session, model: type[_Row], key: str, what: str) -> _Row:
    """The row with this id, or a 404 saying no such thing has it."""
    row = session.get(model, key)
    if row is None:
        raise HTTPException(404, f"No {what} has this id.")
    return row


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching(session: Session, filters: _Filters) -> list[Service]:
    """The services that pass every filter; nearest first when a postcode is given."""
    query = _service_query(filters)
    found = [
        service
        for service in session.execute(query).scalars().unique()
        if _in_hours(service, filters.start_time, filters.end_time)
    ]
    return _near(found, filters.postcode, filters.proximity) if filters.postcode else found


def _service_query(filters: _Filters) -> sa.sql.Select:
    query = (
        sa.select(Service)
        .options(
            selectinload(Service.locations).selectinload(ServiceAtLocation.location),
            selectinload(Service.schedules),
        )
        .order_by(Service.name, Service.id)
    )
    for word in folded(filters.search or "").split():
        query = query.where(Service.search_text.like(f"%{_like(word)}%", escape="\\"))
    if filters.taxonomy_term_id or filters.taxonomy_id:
        query = query.join(service_taxonomy).join(TaxonomyTerm)
        if filters.taxonomy_term_id:
            query = query.where(TaxonomyTerm.id == filters.taxonomy_term_id)
        if filters.taxonomy_id:
            query = query.where(TaxonomyTerm.vocabulary == filters.taxonomy_id)
    if filters.minimum_age is not None:
        query = query.where(
            sa.or_(Service.maximum_age.is_(None), Service.maximum_age >= filters.minimum_age)
        )
    if filters.maximum_age is not None:
        query = query.where(
            sa.or_(Service.minimum_age.is_(None), Service.minimum_age <= filters.maximum_age)
        )
    if filters.day:
        codes = day_codes(filters.day) or {filters.day.upper()[:2]}
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
        points = [  # Float columns give floats (the stubs allow Decimal too)
            (float(sal.location.latitude), float(sal.location.longitude))
            for sal in service.locations
            if sal.location.latitude is not None and sal.location.longitude is not None
        ]
        if points:
            distance = min(distance_miles(place, p) for p in points)
            if distance <= limit:
                scored.append((distance, service))
    return [service for _, service in sorted(scored, key=lambda row: (row[0], row[1].name))]


def _record(service: Service) -> dict[str, Any]:
    record = json.loads(service.record) if service.record else _minimal(service)
    record["status"] = record.get("status", "active") if service.active else "inactive"
    return _without_empty(record)


# The ORUK fields of a service kept in its columns (all but fees under the same names)
_MINIMAL_FIELDS = ("id", "name", "description", "url", "email", "minimum_age", "maximum_age")


def _minimal(service: Service) -> dict[str, Any]:
    """For services imported before records were kept."""
    record = {field: getattr(service, field) for field in _MINIMAL_FIELDS}
    return record | {"fees": service.fees_description}


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


def _without_empty(record: dict[str, Any]) -> dict[str, Any]:
    """ORUK: leave optional fields out rather than send them empty, at every depth."""
    cleaned = {key: _cleaned(value) for key, value in record.items()}
    return {key: value for key, value in cleaned.items() if value not in (None, "", [], {})}


def _cleaned(node: Any) -> Any:
    """A JSON value without empty optional fields in the objects within it."""
    if isinstance(node, dict):
        return _without_empty(node)
    if isinstance(node, list):
        return [_cleaned(item) for item in node]
    return node
