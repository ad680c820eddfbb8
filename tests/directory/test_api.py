"""The ORUK 3.0 API: answers match the published OpenAPI document and schemas."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frontdoor.directory.api import create_oruk_app
from frontdoor.directory.oruk_spec import openapi, schema
from frontdoor.store.db import session_scope
from frontdoor.store.models import Service


@pytest.fixture()
def client(directory_url: str) -> TestClient:
    """The ORUK app mounted at /oruk, as the console mounts it."""
    host = FastAPI()
    host.mount("/oruk", create_oruk_app(directory_url))
    return TestClient(host)


def response_schema(path: str) -> dict[str, Any]:
    """The 200 response schema the ORUK document gives for this path.

    The published document points /service_at_locations/{id} at the service schema, while its
    own example (examples/service_at_location_full.json) is a service at location with the
    location and the service nested; we follow the example and check it against that schema.
    """
    if path == "/service_at_locations/{id}":
        return schema("service_at_location.json")
    operation = openapi()["paths"][path]["get"]
    return operation["responses"]["200"]["content"]["application/json"]["schema"]


def check(body: Any, path: str) -> None:
    resolver = jsonschema.RefResolver.from_schema(openapi())  # for #/components/... refs
    jsonschema.validate(body, response_schema(path), resolver=resolver)
    assert not list(empty_fields(body)), list(empty_fields(body))[:5]


def empty_fields(node: Any, where: str = "") -> Any:
    """ORUK: optional fields are left out, never sent empty."""
    if isinstance(node, dict):
        for key, value in node.items():
            if value in (None, "", [], {}) and key != "contents":
                yield f"{where}.{key}"
            yield from empty_fields(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, item in enumerate(node):
            yield from empty_fields(item, f"{where}[{n}]")


def test_root_says_what_the_api_is(client: TestClient) -> None:
    body = client.get("/oruk/").json()
    check(body, "/")
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/oruk/oruk-openapi.json")
    assert client.get("/oruk/oruk-openapi.json").json()["info"]["version"] == "3.0"


def test_services_are_paged_and_valid(client: TestClient) -> None:
    first = client.get("/oruk/services", params={"per_page": 25}).json()
    check(first, "/services")
    assert first["total_items"] >= 500 and first["size"] == 25 and first["first_page"]
    last = client.get(
        "/oruk/services", params={"per_page": 25, "page": first["total_pages"]}
    ).json()
    assert last["last_page"] and not last["first_page"]
    assert all(not isinstance(v, list) for s in first["contents"] for v in s.values())


def test_a_service_in_full(client: TestClient) -> None:
    some = client.get("/oruk/services", params={"per_page": 1}).json()["contents"][0]
    body = client.get(f"/oruk/services/{some['id']}").json()
    check(body, "/services/{id}")
    assert body["id"] == some["id"] and body["schedules"] and body["service_at_locations"]
    assert client.get("/oruk/services/no-such-id").status_code == 404


def test_filters(client: TestClient) -> None:
    term = client.get("/oruk/taxonomy_terms", params={"search": "walking"}).json()["contents"][0]
    walking = client.get("/oruk/services", params={"taxonomy_term_id": term["id"]}).json()
    assert walking["total_items"] > 20
    near = client.get(
        "/oruk/services",
        params={"taxonomy_term_id": term["id"], "postcode": "PE21 6AB", "proximity": 5000},
    ).json()
    assert 0 < near["total_items"] < walking["total_items"]
    saturday = client.get("/oruk/services", params={"day": "SA", "per_page": 200}).json()
    for service in saturday["contents"]:
        full = client.get(f"/oruk/services/{service['id']}").json()
        assert any("SA" in s.get("byday", "") for s in full["schedules"])
    evening = client.get(
        "/oruk/services", params={"start_time": "19:00", "end_time": "21:00", "per_page": 200}
    ).json()
    assert 0 < evening["total_items"] < walking["total_items"] * 20
    found = client.get("/oruk/services", params={"search": "memory cafe"}).json()
    assert found["total_items"] and all("Memory" in s["name"] for s in found["contents"])
    young = client.get("/oruk/services", params={"maximum_age": 15, "per_page": 200}).json()
    assert young["contents"] and all(s.get("minimum_age", 0) <= 15 for s in young["contents"])


def test_bad_filters_get_a_clear_400(client: TestClient) -> None:
    answer = client.get("/oruk/services", params={"postcode": "SW1A 1AA"})
    assert answer.status_code == 400 and "not a postcode" in answer.json()["detail"]
    assert client.get("/oruk/services", params={"start_time": "teatime"}).status_code == 400
    assert client.get("/oruk/services", params={"page": 0}).status_code == 422


def test_service_at_locations(client: TestClient) -> None:
    body = client.get("/oruk/service_at_locations", params={"per_page": 5}).json()
    check(body, "/service_at_locations")
    one = body["contents"][0]
    assert one["service_id"] and one["location"]["latitude"]
    full = client.get(f"/oruk/service_at_locations/{one['id']}").json()
    check(full, "/service_at_locations/{id}")
    assert full["location"] == one["location"] and full["service"]["id"] == one["service_id"]
    assert client.get("/oruk/service_at_locations/nope").status_code == 404


def test_service_at_locations_are_filtered_by_age_as_services_are(client: TestClient) -> None:
    every = client.get("/oruk/service_at_locations", params={"per_page": 200}).json()
    young = client.get(
        "/oruk/service_at_locations", params={"maximum_age": 15, "per_page": 200}
    ).json()
    assert 0 < young["total_items"] < every["total_items"]
    for item in young["contents"]:
        service = client.get(f"/oruk/services/{item['service_id']}").json()
        assert service.get("minimum_age", 0) <= 15


def test_taxonomies_and_terms(client: TestClient) -> None:
    taxonomies = client.get("/oruk/taxonomies").json()
    check(taxonomies, "/taxonomies")
    taxonomy = client.get(f"/oruk/taxonomies/{taxonomies['contents'][0]['id']}").json()
    check(taxonomy, "/taxonomies/{id}")
    terms = client.get("/oruk/taxonomy_terms", params={"per_page": 100}).json()
    check(terms, "/taxonomy_terms")
    term = client.get(f"/oruk/taxonomy_terms/{terms['contents'][0]['id']}").json()
    check(term, "/taxonomy_terms/{id}")
    assert client.get("/oruk/taxonomy_terms/nope").status_code == 404


def test_inactive_services_say_so(client: TestClient, directory_url: str) -> None:
    some = client.get("/oruk/services", params={"per_page": 1}).json()["contents"][0]
    with session_scope(directory_url) as session:
        session.execute(sa.update(Service).where(Service.id == some["id"]).values(active=False))
    assert client.get(f"/oruk/services/{some['id']}").json()["status"] == "inactive"


def test_cors_is_open_for_reading(client: TestClient) -> None:
    answer = client.get("/oruk/services", headers={"Origin": "https://www.example.org"})
    assert answer.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/oruk/services",
        headers={"Origin": "https://www.example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
