"""What a conversation costs over SMS: segments per turn and in total, level 1 and level 3.

Starts the real action server and Rasa server (trained model, SMS channel) on free ports over a
fresh SQLite store, with Twilio's REST API replaced by a local fake, as the tests start them
(tests/assistant_servers.py), and texts them.

    .venv/bin/python scripts/sms_segments.py [--model models/frontdoor.tar.gz]

Aim: no turn over 2 segments; a whole level-3 referral in 16 segments or fewer.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' servers
from assistant_servers import running_assistant  # noqa: E402
from fake_twilio import SmsClient  # noqa: E402

from frontdoor.runner import DEFAULT_MODEL  # noqa: E402
from frontdoor.sms import is_gsm7, segments  # noqa: E402

LEVEL_1 = ["hello", "1", "walking", "Boston"]
LEVEL_3 = [
    "hello",
    "3",
    "1",
    "Margaret",
    "phone call",
    "07700 900123",
    "weekday mornings",
    "1",
]
TURN_AIM, LEVEL_3_AIM = 2, 16


def converse(client: SmsClient, number: str, steps: list[str], title: str) -> tuple[int, int]:
    """Text each step; print what came back and its cost; return (total, worst turn)."""
    print(f"\n== {title} ({number})")
    total = worst = 0
    for n, said in enumerate(steps, start=1):
        replies = client.text(number, said)
        cost = sum(segments(body) for body in replies)
        total, worst = total + cost, max(worst, cost)
        flag = "" if cost <= TURN_AIM else "  <-- over the aim"
        gsm = "" if all(is_gsm7(body) for body in replies) else "  NOT GSM-7"
        print(f"turn {n}: {said!r} -> {len(replies)} text(s), {cost} segment(s){flag}{gsm}")
        for body in replies:
            print("    " + body.replace("\n", "\n    ") + f"   [{len(body)} chars]")
    print(f"{title}: {total} segments in {len(steps)} turns (worst turn {worst})")
    return total, worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="sms-segments-"))
    overrides = {"RASA_TELEMETRY_ENABLED": "false"}
    with running_assistant(tmp, overrides, model=args.model) as servers:
        level_1, worst_1 = converse(servers.sms, "+447700900101", LEVEL_1, "Level 1")
        level_3, worst_3 = converse(servers.sms, "+447700900103", LEVEL_3, "Level 3")
    print(f"\nLevel 1 total: {level_1} segments; level 3 total: {level_3} segments.")
    print(f"Worst turn: {max(worst_1, worst_3)} segments (aim {TURN_AIM}); ", end="")
    print(f"level 3 aim {LEVEL_3_AIM}: {'met' if level_3 <= LEVEL_3_AIM else 'missed'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
