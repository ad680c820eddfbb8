"""Finding referrals and joining them up, in the store, on SQLite and PostgreSQL: a phone
number however it is typed or stored, an email address in any case, a reference whole or in
part, a name in part without caring for case or accents; likely duplicates within 30 days;
links, kept in the audit trail, and gone with an erasure."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from console_helpers import add_team
from search_helpers import add_resident, made

from frontdoor.store import link_worker as work
from frontdoor.store import links
from frontdoor.store.casework import AuditEvent, LinkWorker
from frontdoor.store.db import session_scope
from frontdoor.store.models import Referral, ReferralLink
from frontdoor.store.referrals import erase_personal_data
from frontdoor.store.search import find_referrals, likely_duplicates

PHONE_TYPINGS = (
    "07700 900123",
    "07700900123",
    "+447700900123",
    "+44 7700 900123",
    "+44 (0)7700 900123",
    "0044 7700 900123",
    "7700900123",
    "7700 900 123",
    "(07700) 900-123",
)


def found(url: str, text: str) -> dict[str, list[str]]:
    """What the search finds: each reference with what it matched."""
    with session_scope(url) as session:
        return {f.referral.reference: list(f.found_by) for f in find_referrals(session, text)}


def referral(session, reference: str) -> Referral:
    return session.execute(sa.select(Referral).where(Referral.reference == reference)).scalar_one()


def set_reference(url: str, old: str, new: str) -> str:
    with session_scope(url) as session:
        referral(session, old).reference = new
    return new


@pytest.mark.parametrize("stored", ["07700 900123", "+447700900123", "+44 (0)7700-900-123"])
def test_a_phone_number_is_found_however_it_is_typed_or_stored(store_url: str, stored) -> None:
    margaret = add_resident(store_url, "Margaret Oyelaran", stored)
    add_resident(store_url, "Derek Pole", "07700 900124")
    add_resident(store_url, "Ruth Hale", "01632 960123")  # the same last digits, a landline
    for typed in PHONE_TYPINGS:
        assert found(store_url, typed) == {margaret: ["phone"]}, typed
    assert found(store_url, "07700 900125") == {}


def test_an_email_address_is_found_in_any_case_and_in_part(store_url: str) -> None:
    ayesha = add_resident(store_url, "Ayesha Khan", "Ayesha.Khan@Example.org")
    add_resident(store_url, "Ann Lee", "ann.lee@example.org")
    for typed in ("ayesha.khan@example.org", "AYESHA.KHAN@EXAMPLE.ORG", " ayesha.khan@ ", "khan@"):
        assert found(store_url, typed) == {ayesha: ["email"]}, typed
    assert set(found(store_url, "@example.org")) == {ayesha, found_one(store_url, "ann.lee@")}
    assert found(store_url, "100%@example.org") == {}  # % and _ are letters, not wildcards


def found_one(url: str, text: str) -> str:
    (reference,) = found(url, text)
    return reference


def test_a_reference_is_found_whole_or_in_part(store_url: str) -> None:
    first = set_reference(
        store_url, add_resident(store_url, "Margaret", "07700 900123"), "FD-7KQ2AB"
    )
    second = set_reference(store_url, add_resident(store_url, "Derek", "07700 900124"), "FD-7KQ3CD")
    for typed in ("FD-7KQ2AB", "fd-7kq2ab", "fd7kq2ab", "FD 7KQ2AB", "Q2A", "2AB"):
        assert found(store_url, typed) == {first: ["reference"]}, typed
    assert set(found(store_url, "FD-7KQ")) == {first, second}
    assert list(found(store_url, "fd-7kq3cd")) == [second]


def test_an_exact_reference_comes_first_then_the_newest(store_url: str) -> None:
    old = set_reference(store_url, add_resident(store_url, "A", "07700 900123", 9), "FD-22AAAA")
    new = set_reference(store_url, add_resident(store_url, "B", "07700 900124", 1), "FD-22AAAB")
    exact = set_reference(store_url, add_resident(store_url, "C", "07700 900125", 5), "FD-22AAA")
    assert list(found(store_url, "FD-22AAA")) == [exact, new, old]


def test_a_name_is_found_in_part_whatever_the_case_or_accents(store_url: str) -> None:
    sian = add_resident(store_url, "Siân Jones", "07700 900123")
    zoe = add_resident(store_url, "Zoë O’Neill", "07700 900124")
    add_resident(store_url, "Sean Smith", "07700 900125")
    for typed in ("sian", "SIÂN", "Jon", "sian jones", "jones sian", "siân  jo"):
        assert found(store_url, typed) == {sian: ["name"]}, typed
    for typed in ("zoe o'neill", "ZOË", "o’neil", "oneill zoe", "O'NEILL"):
        assert zoe in found(store_url, typed), typed
    assert found(store_url, "sian smith") == {}
    assert found(store_url, "   ") == {}


def test_erased_referrals_are_found_by_their_reference_only(store_url: str) -> None:
    reference = add_resident(store_url, "Siân Jones", "07700 900123")
    by_email = add_resident(store_url, "Ruth Hale", "ruth@example.org")
    with session_scope(store_url) as session:
        for each in (reference, by_email):
            erase_personal_data(session, referral(session, each).conversation_id)
    for typed in ("sian", "07700 900123", "7700900123", "ruth@example.org", "@example.org"):
        assert found(store_url, typed) == {}, typed
    assert found(store_url, reference) == {reference: ["reference"]}


def test_a_likely_duplicate_is_the_same_phone_or_email_within_30_days(store_url: str) -> None:
    first = add_resident(store_url, "Margaret", "07700 900123", days_ago=10)
    again = add_resident(store_url, "Maggie O", "+447700900123", days_ago=7)
    add_resident(store_url, "Margaret", "07700 900123", days_ago=45)  # too long before
    add_resident(store_url, "Derek", "07700 900124", days_ago=8)  # another number
    mail_1 = add_resident(store_url, "Ann Lee", "Ann.Lee@example.org", days_ago=40)
    mail_2 = add_resident(store_url, "Ann Lee", "ann.lee@example.org", days_ago=11)  # 29 days
    with session_scope(store_url) as session:

        def duplicates(reference: str) -> list[tuple[str, str]]:
            found = likely_duplicates(session, referral(session, reference))
            return [(d.referral.reference, d.same_by) for d in found]

        assert duplicates(again) == [(first, "phone")]
        assert duplicates(first) == [(again, "phone")]
        assert duplicates(mail_2) == [(mail_1, "email")]
        assert duplicates(mail_1) == [(mail_2, "email")]
        linked = referral(session, first).id
        assert likely_duplicates(session, referral(session, again), [linked]) == []


def test_an_erased_referral_is_no_ones_duplicate(store_url: str) -> None:
    first = add_resident(store_url, "Margaret", "07700 900123", days_ago=3)
    again = add_resident(store_url, "Margaret", "07700 900123", days_ago=1)
    with session_scope(store_url) as session:
        erase_personal_data(session, referral(session, first).conversation_id)
    with session_scope(store_url) as session:
        assert likely_duplicates(session, referral(session, again)) == []
        assert likely_duplicates(session, referral(session, first)) == []


def sam(session) -> LinkWorker:
    worker = work.worker_by_email(session, "sam@example.org")
    assert worker is not None
    return worker


def audit_of(session, reference: str) -> list[tuple[str, str | None]]:
    query = (
        sa.select(AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.reference == reference, AuditEvent.action.in_(("link", "unlink")))
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in session.execute(query)]


def test_linked_referrals_show_each_other_and_the_audit_trail_says_who(store_url: str) -> None:
    add_team(store_url)
    first = add_resident(store_url, "Margaret", "07700 900123", days_ago=3)
    again = add_resident(store_url, "Margaret", "07700 900123", days_ago=1)
    with session_scope(store_url) as session:
        one, other = referral(session, again), referral(session, first)
        links.link(session, one, other, sam(session))
    with session_scope(store_url) as session:
        one, other = referral(session, first), referral(session, again)
        assert [(ln.referral.reference, ln.linked_by) for ln in links.linked_to(session, one)] == [
            (again, "Sam Jones")
        ]
        assert [ln.referral.reference for ln in links.linked_to(session, other)] == [first]
        with pytest.raises(work.Conflict):
            links.link(session, one, other, sam(session))
        with pytest.raises(work.WorkError):
            links.link(session, one, one, sam(session))
        links.unlink(session, other, one, sam(session))
    with session_scope(store_url) as session:
        one = referral(session, first)
        assert links.linked_to(session, one) == []
        with pytest.raises(work.WorkError):
            links.unlink(session, one, referral(session, again), sam(session))
        assert audit_of(session, first) == [("link", f"with {again}"), ("unlink", f"with {again}")]
        assert audit_of(session, again) == [("link", f"with {first}"), ("unlink", f"with {first}")]


def test_erasure_leaves_no_link_and_no_audit_line_naming_the_erased(store_url: str) -> None:
    add_team(store_url)
    erased = add_resident(store_url, "Margaret", "07700 900123", days_ago=3)
    kept = add_resident(store_url, "Margaret", "07700 900123", days_ago=1)
    third = add_resident(store_url, "Derek", "07700 900124", days_ago=1)
    with session_scope(store_url) as session:
        links.link(session, referral(session, erased), referral(session, kept), sam(session))
        links.link(session, referral(session, kept), referral(session, third), sam(session))
    with session_scope(store_url) as session:
        erase_personal_data(session, referral(session, erased).conversation_id)
    with session_scope(store_url) as session:
        gone = referral(session, erased)
        assert [ln.referral.reference for ln in links.linked_to(session, gone)] == []
        assert [
            ln.referral.reference for ln in links.linked_to(session, referral(session, kept))
        ] == [third]
        assert session.execute(sa.select(sa.func.count(ReferralLink.id))).scalar_one() == 1
        details = session.execute(sa.select(AuditEvent.detail)).scalars().all()
        assert not [d for d in details if d and erased in d]
        assert audit_of(session, kept) == [("link", None), ("link", f"with {third}")]
        with pytest.raises(work.WorkError):
            links.link(session, gone, referral(session, kept), sam(session))


def test_made_is_midday_utc() -> None:
    assert made(0).hour == 12
