"""ORUK import: checked record by record, idempotent, nothing dropped silently."""

import copy
import json

import sqlalchemy as sa

from frontdoor.cli import SAMPLE_DIRECTORY
from frontdoor.directory.importer import import_services, read_services
from frontdoor.directory.index import current_index
from frontdoor.store.db import session_scope
from frontdoor.store.models import Service


def sample() -> list[dict]:
    return read_services(SAMPLE_DIRECTORY)


def test_the_sample_imports_whole(sqlite_url: str) -> None:
    records = sample()
    assert len(records) >= 60
    with session_scope(sqlite_url) as session:
        report = import_services(session, records)
    assert (report.new, report.updated, report.unchanged, report.rejected) == (
        len(records),
        0,
        0,
        [],
    )


def test_reimport_is_idempotent_and_updates_changes(sqlite_url: str) -> None:
    records = sample()
    with session_scope(sqlite_url) as session:
        import_services(session, records)
    changed = copy.deepcopy(records)
    changed[0]["description"] = "Now meeting at the new hall."
    with session_scope(sqlite_url) as session:
        report = import_services(session, changed)
    assert (report.new, report.updated, report.unchanged) == (0, 1, len(records) - 1)
    with session_scope(sqlite_url) as session:
        assert session.get(Service, changed[0]["id"]).description == "Now meeting at the new hall."


def test_bad_records_are_reported_and_skipped(sqlite_url: str) -> None:
    records = sample()[:5]
    bad = [
        {"id": "x1", "status": "active"},
        {"id": "x2", "name": "Y", "status": "open"},
        "not even an object",
    ]
    with session_scope(sqlite_url) as session:
        report = import_services(session, records + bad)
    assert report.new == 5
    assert dict(report.rejected) == {
        "x1": "name is missing",
        "x2": "status 'open' is not one of active, inactive, defunct, temporarily closed",
        "?": "not an object",
    }


def test_services_missing_from_a_full_import_become_inactive(sqlite_url: str) -> None:
    records = sample()
    with session_scope(sqlite_url) as session:
        import_services(session, records)
    with session_scope(sqlite_url) as session:
        report = import_services(session, records[1:])
    assert report.deactivated == 1
    with session_scope(sqlite_url) as session:
        kept = session.get(Service, records[0]["id"])
        assert kept is not None and kept.active is False


def test_a_page_of_get_services_is_read(tmp_path) -> None:
    page = {
        "contents": sample()[:2],
        "total_items": 2,
        "total_pages": 1,
        "page_number": 1,
        "size": 2,
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    assert [r["id"] for r in read_services(path)] == [r["id"] for r in page["contents"]]


def test_sample_uses_only_made_up_contact_details() -> None:
    text = SAMPLE_DIRECTORY.read_text()
    for record in sample():
        for contact in record.get("contacts", []):
            for phone in contact["phones"]:
                assert phone["number"].startswith(("01632 960", "07700 900")), phone
        assert record["email"].endswith("@example.org")
    assert sa.__name__ and "http://" not in text


def test_a_record_reusing_another_services_ids_is_rejected_not_crashed(sqlite_url: str) -> None:
    records = sample()
    thief = copy.deepcopy(records[1])
    thief["id"] = "a-new-service"
    thief["schedules"] = copy.deepcopy(records[0]["schedules"])  # ids that belong to records[0]
    with session_scope(sqlite_url) as session:
        report = import_services(session, [*records, thief])
    assert report.new == len(records)
    [(record_id, reason)] = report.rejected
    assert record_id == "a-new-service"
    assert f"already belongs to service {records[0]['id']}" in reason


def test_a_retired_service_listed_again_comes_back(sqlite_url: str) -> None:
    records = sample()[:10]
    with session_scope(sqlite_url) as session:
        import_services(session, records)
    with session_scope(sqlite_url) as session:
        assert import_services(session, records[1:]).deactivated == 1
    with session_scope(sqlite_url) as session:
        report = import_services(session, records)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 9)
    with session_scope(sqlite_url) as session:
        assert session.get(Service, records[0]["id"]).active is True


def test_a_partial_import_keeps_what_it_leaves_out(sqlite_url: str) -> None:
    records = sample()[:10]
    with session_scope(sqlite_url) as session:
        import_services(session, records)
    with session_scope(sqlite_url) as session:
        assert import_services(session, records[:2], full=False).deactivated == 0
    with session_scope(sqlite_url) as session:
        assert session.get(Service, records[9]["id"]).active is True


def broken(change) -> dict:
    record = copy.deepcopy(sample()[0])
    change(record)
    return record


def test_nested_parts_are_checked_too(sqlite_url: str) -> None:
    def schedule(**values):
        return lambda r: r["schedules"][0].update(values)

    def location(**values):
        return lambda r: r["service_at_locations"][0]["location"].update(values)

    cases = {
        "byday 'Tuesdays' is not a list of days like MO,TH or 1MO": schedule(byday="Tuesdays"),
        "opens_at '9am' is not a time like 09:30": schedule(opens_at="9am"),
        "freq 'SOMETIMES' is not one of DAILY, WEEKLY, MONTHLY, YEARLY": schedule(freq="SOMETIMES"),
        "location latitude 153.2 is out of range": location(latitude=153.2),
        "location longitude is not a number": location(longitude="west"),
        "minimum_age 70 is more than maximum_age 12": lambda r: r.update(
            minimum_age=70, maximum_age=12
        ),
        "schedules is not a list of objects": lambda r: r.update(schedules="weekly"),
    }
    with session_scope(sqlite_url) as session:
        for reason, change in cases.items():
            report = import_services(session, [broken(change)], full=False)
            assert report.new == 0 and len(report.rejected) == 1, reason
            assert reason in report.rejected[0][1], report.rejected


def test_the_same_id_twice_in_one_import_is_rejected_once(sqlite_url: str) -> None:
    first = sample()[0]
    with session_scope(sqlite_url) as session:
        report = import_services(session, [first, copy.deepcopy(first)])
    assert report.new == 1
    assert report.rejected == [(first["id"], "the same service id appears twice in this import")]


def test_free_means_free_for_everyone_and_unknown_cost_is_not_free(sqlite_url: str) -> None:
    def costs(fees: str | None, amounts: list[float]):
        def change(record: dict) -> None:
            record.pop("fees", None)
            if fees is not None:
                record["fees"] = fees
            record["cost_options"] = [
                {"id": f"{record['id']}-cost-{n}", "amount": a, "currency": "GBP"}
                for n, a in enumerate(amounts)
            ]

        return change

    cases = [
        ("Free", [], True),
        ("Free", [2.5], False),
        (None, [], False),
        (None, [0], True),
        ("Free for people on benefits, 2 pounds otherwise", [], False),
        ("3 pounds a session", [], False),
    ]
    with session_scope(sqlite_url) as session:
        for fees, amounts, free in cases:
            record = broken(costs(fees, amounts))
            import_services(session, [record])
            assert session.get(Service, record["id"]).is_free is free, (fees, amounts)


def test_names_and_descriptions_are_kept_as_published_only_tidied(sqlite_url: str) -> None:
    """Not converted for SMS (the SMS channel does that as it sends): accents, curly quotes
    and emoji stay; control characters, invisible ones and stray spaces go."""
    record = broken(
        lambda r: r.update(
            name="  Zo\u00eb\u2019s\u200b Caf\u00e9 \u0141\u00f3d\u017a \t Club \u2615 ",
            description="Tea, cake and a chat.\r\n\r\n  Every\u00a0  Tuesday.\x07",
        )
    )
    with session_scope(sqlite_url) as session:
        import_services(session, [record])
        stored = session.get(Service, record["id"])
        assert stored.name == "Zo\u00eb\u2019s Caf\u00e9 \u0141\u00f3d\u017a Club \u2615"
        assert stored.description == "Tea, cake and a chat.\nEvery Tuesday."
        assert stored.search_text.startswith("zoe's cafe \u0142odz club")


def test_the_index_shows_a_service_number_as_people_read_one(sqlite_url: str) -> None:
    def unspaced_phone(record: dict) -> None:
        phone = {"id": f"{record['id']}-phone-x", "number": "+441632960123"}
        record["contacts"] = [{"id": f"{record['id']}-contact-x", "phones": [phone]}]

    record = broken(unspaced_phone)
    with session_scope(sqlite_url) as session:
        import_services(session, [record])
        entry = current_index(session).entries[record["id"]]
    assert entry.contact == "01632 960123"
