"""Which URL is checked against X-Twilio-Signature."""

from __future__ import annotations

from types import SimpleNamespace

from bot.channels.signature import called_url, is_signed, sign


def request(headers: dict[str, str], path="/webhooks/sms/webhook", query="", body=b""):
    return SimpleNamespace(
        path=path,
        query_string=query,
        scheme="http",
        headers={k.lower(): v for k, v in headers.items()},
        body=body,
        form={},
    )


def test_the_url_as_it_arrived_honouring_forwarded_headers() -> None:
    plain = request({"Host": "127.0.0.1:5005"}, query="a=1")
    assert called_url(plain) == "http://127.0.0.1:5005/webhooks/sms/webhook?a=1"
    proxied = request(
        {
            "Host": "127.0.0.1:5005",
            "X-Forwarded-Proto": "https, http",
            "X-Forwarded-Host": "sms.example.org, inner",
        }
    )
    assert called_url(proxied) == "https://sms.example.org/webhooks/sms/webhook"
    assert called_url(proxied, "https://council.example.org/bot/") == (
        "https://council.example.org/bot/webhooks/sms/webhook"
    )


def test_signed_forms_pass_and_everything_else_fails() -> None:
    form = b"From=%2B447700900123&Body=&MessageSid=SM1"
    params = {"From": "+447700900123", "Body": "", "MessageSid": "SM1"}
    url = "http://127.0.0.1:5005/webhooks/sms/webhook"
    headers = {"Host": "127.0.0.1:5005", "Content-Type": "application/x-www-form-urlencoded"}
    good = request({**headers, "X-Twilio-Signature": sign("token", url, params)}, body=form)
    assert is_signed(good, "token")
    assert not is_signed(good, "other-token")
    assert not is_signed(good, "")  # no token configured: nothing is trusted
    assert not is_signed(request(headers, body=form), "token")
    tampered = form.replace(b"Body=", b"Body=hi")
    assert not is_signed(
        request({**headers, "X-Twilio-Signature": sign("token", url, params)}, body=tampered),
        "token",
    )
