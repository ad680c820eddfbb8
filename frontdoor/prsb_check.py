"""Check an exported PRSB social prescribing record (frontdoor/prsb.py) against the standard's
structure: every section and element we map is there in the model's order with the model's
status, every mandatory element has a value or a stated reason for its absence, and every code
is one we know, shown with the term its source gives."""

from __future__ import annotations

from typing import Any

from frontdoor.prsb import ABSENCES, CONCEPTS, MESSAGES, OUTCOME_SYSTEM, SNOMED, Mro, Spec
from frontdoor.store.casework import OUTCOME_LABELS


def problems(record: dict[str, Any]) -> list[str]:
    """What is wrong with one record: missing mandatory fields, unknown codes, a structure
    that is not the standard's. Empty when the record is sound."""
    found: list[str] = []
    for message, spec in MESSAGES.items():
        body = record.get(message)
        if not isinstance(body, dict):
            found.append(f"{message}: missing")
        elif "sections" in body:
            found += [f"{message}: {p}" for p in _message_problems(body["sections"], spec)]
            found += [f"{message}: codes: {p}" for p in _codes_problems(body.get("codes"))]
        elif body.get("absent") not in ABSENCES or record.get("status") == "closed":
            found.append(f"{message}: absent without a reason it may be absent for")
    return found


def _message_problems(sections: list[dict[str, Any]], spec: Spec) -> list[str]:
    found: list[str] = []
    names = [s.get("name") for s in sections]
    if names != [name for name, _, _ in spec]:
        found.append(f"sections {names} are not the standard's {[n for n, _, _ in spec]}")
    by_name = {s.get("name"): s for s in sections}
    for name, mro, elements in spec:
        section = by_name.get(name)
        if section is None:
            continue
        if section.get("mro") != mro:
            found.append(f"{name}: marked {section.get('mro')!r}, the standard says {mro!r}")
        listed = [e.get("name") for e in section.get("elements", [])]
        if [n for n in listed if n in dict(elements)] != [n for n, _ in elements if n in listed]:
            found.append(f"{name}: elements out of the standard's order")
        got = {e.get("name"): e for e in section.get("elements", [])}
        for element_name, status in elements:
            where = f"{name} / {element_name}"
            element = got.get(element_name)
            if element is None:
                found.append(f"{where}: missing")
                continue
            found += [f"{where}: {p}" for p in _element_problems(element, status)]
        extra = set(got) - {element_name for element_name, _ in elements}
        found += [f"{name} / {e}: not an element of the standard" for e in sorted(map(str, extra))]
    return found


def _element_problems(element: dict[str, Any], status: Mro) -> list[str]:
    if element.get("mro") != status:
        return [f"marked {element.get('mro')!r}, the standard says {status!r}"]
    if "value" in element:
        if status == "M" and element["value"] in (None, "", [], {}):
            return ["mandatory and empty"]
        return [p for p in map(_coding_problem, element.get("coding", [])) if p]
    if element.get("absent") in ABSENCES and element.get("why"):
        return []
    return ["mandatory and missing" if status == "M" else "neither a value nor a reason"]


# each code system we send: its name in a problem, and every code's display
KNOWN_CODES: dict[str, tuple[str, dict[str, str]]] = {
    SNOMED: ("SNOMED CT", CONCEPTS),
    OUTCOME_SYSTEM: ("outcome", OUTCOME_LABELS),
}


def _codes_problems(codes: Any) -> list[str]:
    """A message's codes: at least one SNOMED CT concept, and every code one we know."""
    if not isinstance(codes, list) or not any(
        isinstance(c, dict) and c.get("system") == SNOMED for c in codes
    ):
        return ["no SNOMED CT code"]
    return [p for p in map(_coding_problem, codes) if p]


def _coding_problem(coding: dict[str, Any]) -> str:
    """Why a code is not one we know ("" when it is)."""
    system, code, display = coding.get("system"), coding.get("code"), coding.get("display")
    if system not in KNOWN_CODES:
        return f"unknown code system {system!r}"
    name, labels = KNOWN_CODES[system]
    if code not in labels:
        return f"unknown {name} code {code!r}"
    if display != labels[code]:
        return f"{name} {code} shown as {display!r}, not {labels[code]!r}"
    return ""


def check_all(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each record's problems by its reference; only the records that have any."""
    found = {str(r.get("reference")): problems(r) for r in records}
    return {reference: listed for reference, listed in found.items() if listed}
