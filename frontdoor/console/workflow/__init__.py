"""The console's one workflow, called alike by the pages and the JSON API.

Each step takes a Desk (the store session, the person, the assistant) and the API's own input
models, checks what it is given, does the store's work and returns a view model, or raises
WorkflowError: the API answers with its status, the pages show it on the page again.
"""

from frontdoor.console.workflow.desk import (
    Actor,
    ChatRelay,
    Desk,
    ErrorKind,
    Via,
    WorkflowError,
    parse,
)
from frontdoor.console.workflow.overview import (
    Download,
    audit_trail,
    link_workers,
    queue,
    queue_choices,
    report,
    report_download,
)
from frontdoor.console.workflow.referral import (
    add_note,
    claim,
    close,
    conversation,
    flag_id,
    hand_back,
    reassign,
    record_contact,
    release,
    reply,
    review_risk_flag,
    risk_flags,
    take_over,
    view,
)

__all__ = [
    "Actor",
    "ChatRelay",
    "Desk",
    "Download",
    "ErrorKind",
    "Via",
    "WorkflowError",
    "add_note",
    "audit_trail",
    "claim",
    "close",
    "conversation",
    "flag_id",
    "hand_back",
    "link_workers",
    "parse",
    "queue",
    "queue_choices",
    "reassign",
    "record_contact",
    "release",
    "reply",
    "report",
    "report_download",
    "review_risk_flag",
    "risk_flags",
    "take_over",
    "view",
]
