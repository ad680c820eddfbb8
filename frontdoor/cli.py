"""The frontdoor command: one door for the people who run the service."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from frontdoor.settings import PROJECT_ROOT

SAMPLE_DIRECTORY = PROJECT_ROOT / "data" / "directory" / "lincolnshire.json"


def init_db(args: argparse.Namespace) -> int:
    """Create or upgrade the store's tables."""
    from frontdoor.store.db import init_db as migrate

    migrate()
    print("database ready")
    return 0


def import_directory(args: argparse.Namespace) -> int:
    """Load Open Referral UK services: a JSON file, or a folder of HSDS CSV tables."""
    from frontdoor.directory.csv_tables import read_csv_tables
    from frontdoor.directory.importer import import_services, read_services
    from frontdoor.store.db import session_scope

    path = Path(args.file)
    try:
        records = read_csv_tables(path) if path.is_dir() else read_services(path)
    except (OSError, ValueError) as error:
        print(f"could not read {args.file}: {error}", file=sys.stderr)
        return 2
    with session_scope() as session:
        report = import_services(session, records, full=not args.partial)
    for record_id, reason in report.rejected:
        print(f"rejected {record_id}: {reason}", file=sys.stderr)
    print(report.summary())
    return 0


def referrals(args: argparse.Namespace) -> int:
    """List referrals, newest first."""
    from frontdoor.store.db import session_scope
    from frontdoor.store.referrals import list_referrals, referral_as_dict

    with session_scope() as session:
        rows = [referral_as_dict(r) for r in list_referrals(session)]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(
                f"{row['reference']}  {row['created_at']}  level {row['level']}  "
                f"{row['urgency']:<8} {row['status']:<11} {row['summary']}"
            )
    return 0


def search(args: argparse.Namespace) -> int:
    """Search the directory as the assistant would."""
    from frontdoor.directory.places import resolve_place
    from frontdoor.directory.search import SearchRequest, search_services
    from frontdoor.store.db import session_scope

    if resolve_place(args.town) is None:
        print(
            f"{args.town!r} is not a place in the area: try a town or village in "
            "Lincolnshire, like Boston or Louth, or a postcode like LN1",
            file=sys.stderr,
        )
        return 2
    with session_scope() as session:
        request = SearchRequest(need=args.need, town=args.town, day=args.day, limit=args.limit)
        found = search_services(session, request, record_gaps=False)
    for group in found:
        print(
            f"{group['name']}: {group['when']}. {group['where']}. {group['cost']}. "
            f"{group['contact']} ({group['why']})"
        )
    if not found:
        print("nothing found")
    return 0


def export_directory(args: argparse.Namespace) -> int:
    """Write the directory as HSDS CSV tables, one file per table."""
    from sqlalchemy import select

    from frontdoor.directory.csv_tables import write_csv_tables
    from frontdoor.store.db import session_scope
    from frontdoor.store.models import Service

    with session_scope() as session:
        rows = session.execute(select(Service).order_by(Service.id)).scalars()
        records = [json.loads(s.record) for s in rows if s.record and s.active]
    write_csv_tables(records, Path(args.folder))
    print(f"wrote {len(records)} services to {args.folder}")
    return 0


def export_prsb(args: argparse.Namespace) -> int:
    """Write each referral as the PRSB social prescribing record (JSON, one per referral)."""
    from frontdoor.prsb import export
    from frontdoor.store.db import session_scope

    since = datetime.combine(args.since, time()) if args.since else None
    with session_scope() as session:
        found = export(session, since, args.reference)
    if args.reference and not found:
        print(f"there is no referral {args.reference}", file=sys.stderr)
        return 2
    text = json.dumps(found, indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {len(found)} referrals to {args.output}")
    return 0


def report(args: argparse.Namespace) -> int:
    """Reports for the council: `report gaps` lists unmet needs by area."""
    from frontdoor.directory.gaps import gaps_by_area
    from frontdoor.store.db import session_scope

    with session_scope() as session:
        rows = gaps_by_area(session, args.limit)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2))
        return 0
    if not rows:
        print("no unmet needs recorded yet")
        return 0
    print(f"{'searches':>8}  {'area':<20} {'need':<30} days asked for")
    for row in rows:
        print(f"{row.searches:>8}  {row.area:<20} {row.need:<30} {row.days}")
    return 0


def add_link_worker(args: argparse.Namespace) -> int:
    """Create a console account for a link worker or a manager."""
    import getpass

    from frontdoor.console.security import hash_password, password_problem
    from frontdoor.store.db import session_scope
    from frontdoor.store.link_worker import WorkError, create_link_worker

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("the passwords do not match", file=sys.stderr)
            return 2
    problem = password_problem(password, args.email, args.name)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        with session_scope() as session:
            worker = create_link_worker(
                session, args.name, args.email, args.role, hash_password(password)
            )
            print(f"added {worker.name} <{worker.email}> as {worker.role.replace('_', ' ')}")
    except WorkError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def purge_sessions(args: argparse.Namespace) -> int:
    """Delete console logins and API tokens that have run out or were revoked."""
    from frontdoor.console.security import purge_expired
    from frontdoor.store.db import session_scope

    with session_scope() as session:
        gone = purge_expired(session)
    print(f"removed {gone} expired or revoked console logins and API tokens")
    return 0


def rasa_header(args: argparse.Namespace) -> int:
    """Print an Authorization header for Rasa's HTTP API, good for five minutes."""
    from frontdoor.rasa_auth import bearer
    from frontdoor.settings import get_settings

    for name, value in bearer(get_settings().rasa_api_token).items():
        print(f"{name}: {value}")
    return 0


def purge_expired(args: argparse.Namespace) -> int:
    """Erase conversations and closed referrals older than RETENTION_MONTHS."""
    from frontdoor.settings import get_settings
    from frontdoor.store import retention
    from frontdoor.store.db import session_scope

    months = get_settings().retention_months
    with session_scope() as session:
        counts = retention.purge_expired(session, months)
    print(
        f"older than {months} months: erased {counts['conversations']} conversations "
        f"({counts['events']} events) and {counts['referrals']} referrals"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontdoor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add: Callable[..., argparse.ArgumentParser] = commands.add_parser

    add("init-db", help=init_db.__doc__).set_defaults(handler=init_db)

    sub = add("import-directory", help=import_directory.__doc__)
    sub.add_argument("file", nargs="?", default=str(SAMPLE_DIRECTORY))
    sub.add_argument(
        "--partial",
        action="store_true",
        help="an update, not the full directory: keep services it leaves out",
    )
    sub.set_defaults(handler=import_directory)

    sub = add("referrals", help=referrals.__doc__)
    sub.add_argument("--json", action="store_true", help="print a JSON list")
    sub.set_defaults(handler=referrals)

    sub = add("export-directory", help=export_directory.__doc__)
    sub.add_argument("folder")
    sub.set_defaults(handler=export_directory)

    sub = add("export", help="Export the store in a national format: `export prsb`")
    sub.add_argument("which", choices=["prsb"])
    sub.add_argument(
        "--since", type=date.fromisoformat, help="referrals made on or after (YYYY-MM-DD)"
    )
    sub.add_argument("--reference", help="only this referral, e.g. FD-ABC234")
    sub.add_argument("-o", "--output", default="-", help="file to write (default: print)")
    sub.set_defaults(handler=export_prsb)

    sub = add("report", help=report.__doc__)
    sub.add_argument("which", choices=["gaps"])
    sub.add_argument("--json", action="store_true", help="print JSON")
    sub.add_argument("--limit", type=int, default=None)
    sub.set_defaults(handler=report)

    sub = add("add-link-worker", help=add_link_worker.__doc__)
    sub.add_argument("--name", required=True, help="first name is shown to residents")
    sub.add_argument("--email", required=True, help="the login")
    sub.add_argument("--role", choices=["link_worker", "manager"], default="link_worker")
    sub.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    sub.set_defaults(handler=add_link_worker)

    add("purge-sessions", help=purge_sessions.__doc__).set_defaults(handler=purge_sessions)
    add("purge-expired", help=purge_expired.__doc__).set_defaults(handler=purge_expired)
    add("rasa-header", help=rasa_header.__doc__).set_defaults(handler=rasa_header)

    sub = add("search", help=search.__doc__)
    sub.add_argument("need")
    sub.add_argument("--town", required=True)
    sub.add_argument("--day")
    sub.add_argument("--limit", type=int, default=3)
    sub.set_defaults(handler=search)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
