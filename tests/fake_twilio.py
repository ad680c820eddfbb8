"""A stand-in for Twilio's REST API that keeps what would have been sent (tests, local runs).

python tests/fake_twilio.py [--port 8765]   then TWILIO_API_BASE_URL=http://127.0.0.1:8765
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

from twilio.request_validator import RequestValidator

from frontdoor.sms import segments

MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")


@dataclass
class FakeTwilio:
    """Records POST /2010-04-01/Accounts/{sid}/Messages.json; can fail on request."""

    port: int = 0
    sent: list[dict[str, str]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses to answer with first
    requests: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def to(self, number: str) -> list[str]:
        """The bodies sent to a number, in order."""
        with self._lock:
            return [m["Body"] for m in self.sent if m["To"] == number]

    def _answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        match = MESSAGES.match(path)
        if not match:
            return 404, {"code": 20404, "message": "not found", "status": 404}
        with self._lock:
            self.requests += 1
            if self.failures:
                status = self.failures.pop(0)
                return status, {"code": 20500, "message": "fake failure", "status": status}
            if not form.get("To") or not form.get("Body"):
                return 400, {"code": 21604, "message": "To and Body are required", "status": 400}
            sid = "SM" + uuid.uuid4().hex
            self.sent.append({**form, "Sid": sid})
        return 201, resource(match["sid"], sid, form)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                raw = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                form = {key: values[0] for key, values in raw.items()}
                status, payload = fake._answer(self.path.split("?")[0], form)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def resource(account_sid: str, sid: str, form: dict[str, str]) -> dict:
    """A message resource shaped like Twilio's answer."""
    now = format_datetime(datetime.now(UTC))
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": form.get("To"),
        "from": form.get("From"),
        "body": form.get("Body"),
        "status": "queued",
        "direction": "outbound-api",
        "num_segments": str(segments(form.get("Body", ""))),
        "num_media": "0",
        "date_created": now,
        "date_updated": now,
        "date_sent": None,
        "error_code": None,
        "error_message": None,
        "price": None,
        "price_unit": "GBP",
        "api_version": "2010-04-01",
        "messaging_service_sid": None,
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        "subresource_uris": {},
    }


@dataclass
class SmsClient:
    """Texts a Rasa server's SMS webhook the way Twilio does (signed) and reads the replies."""

    webhook_url: str
    auth_token: str
    fake: FakeTwilio
    our_number: str = "+447700900000"

    def text(self, number: str, body: str, timeout: float = 90.0, settle: float = 0.7) -> list[str]:
        """Send one text; return the texts sent back (once they stop coming)."""
        before = len(self.fake.to(number))
        self.post(number, body)
        deadline = time.monotonic() + timeout
        while len(self.fake.to(number)) == before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply to {body!r} within {timeout:.0f} s")
            time.sleep(0.1)
        seen = -1
        while seen != len(self.fake.to(number)):
            seen = len(self.fake.to(number))
            time.sleep(settle)
        return self.fake.to(number)[before:]

    def post(self, number: str, body: str, sid: str | None = None) -> int:
        """POST a signed text to the webhook; the HTTP status."""
        form = {
            "MessageSid": sid or "SM" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": number,
            "To": self.our_number,
            "Body": body,
            "NumSegments": "1",
        }
        signature = RequestValidator(self.auth_token).compute_signature(self.webhook_url, form)
        request = urllib.request.Request(
            self.webhook_url,
            urlencode(form).encode(),
            headers={"X-Twilio-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    fake = FakeTwilio(port=port).start()
    print(f"Fake Twilio on {fake.base_url}; texts it receives are printed here.", flush=True)
    seen = 0
    try:
        while True:
            threading.Event().wait(0.5)
            for message in fake.sent[seen:]:
                print(f"to {message['To']}:\n{message['Body']}\n", flush=True)
            seen = len(fake.sent)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
