"""Local HTTP servers that speak GOV.UK Notify's and Twilio's send APIs, checking their
real authentication (Notify's HS256 JWT, Twilio's basic auth), in a thread on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer


class FakeProvider:
    """What the fake received: one dict of fields per accepted message."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.messages: list[dict[str, Any]] = []
        self.answered_ids: list[str] = []  # the provider message ids handed back, in order
        self.refuse_next = False


def _serve(handler_class: type[BaseHTTPRequestHandler], fake_for: Any) -> Iterator[FakeProvider]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    fake = FakeProvider(f"http://127.0.0.1:{server.server_port}")
    fake_for(server, fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeProvider

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))


@contextmanager
def notify_server(service_id: str, secret: str) -> Iterator[FakeProvider]:
    """POST /v2/notifications/sms with `Authorization: Bearer <JWT>` signed by the key's
    secret, issuer the service id; answers 201 with Notify's response shape."""

    class Handler(_Handler):
        def do_POST(self) -> None:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                assert get_token_issuer(token) == service_id
                decode_jwt_token(token, secret)
            except Exception:  # noqa: BLE001 - any token problem is Notify's 403
                self.reply(403, {"status_code": 403, "errors": [{"error": "AuthError"}]})
                return
            if self.path != "/v2/notifications/sms":
                self.reply(404, {"status_code": 404, "errors": [{"error": "NotFound"}]})
                return
            data = json.loads(self.body())
            if self.fake.refuse_next:
                self.fake.refuse_next = False
                self.reply(400, {"status_code": 400, "errors": [{"error": "BadRequestError"}]})
                return
            self.fake.messages.append(data)
            notification_id = str(uuid.uuid4())
            self.fake.answered_ids.append(notification_id)
            self.reply(
                201,
                {
                    "id": notification_id,
                    "reference": data.get("reference"),
                    "content": {"body": data["personalisation"]["body"], "from_number": "GOVUK"},
                    "uri": f"{self.fake.url}/v2/notifications/{notification_id}",
                    "template": {
                        "id": data["template_id"],
                        "version": 1,
                        "uri": f"{self.fake.url}/v2/template/{data['template_id']}",
                    },
                },
            )

    def attach(server: ThreadingHTTPServer, fake: FakeProvider) -> None:
        Handler.fake = fake

    yield from _serve(Handler, attach)


@contextmanager
def twilio_server(account_sid: str, auth_token: str) -> Iterator[FakeProvider]:
    """POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded, HTTP basic auth with the
    account sid and auth token; answers 201 with Twilio's message resource."""

    class Handler(_Handler):
        def do_POST(self) -> None:
            expected = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                self.reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return
            if self.path != f"/2010-04-01/Accounts/{account_sid}/Messages.json":
                self.reply(404, {"code": 20404, "message": "Not found", "status": 404})
                return
            fields = {k: v[0] for k, v in parse_qs(self.body().decode()).items()}
            if self.fake.refuse_next:
                self.fake.refuse_next = False
                self.reply(400, {"code": 21211, "message": "Invalid 'To'", "status": 400})
                return
            self.fake.messages.append(fields)
            sid = "SM" + uuid.uuid4().hex
            self.fake.answered_ids.append(sid)
            self.reply(
                201,
                {
                    "sid": sid,
                    "account_sid": account_sid,
                    "to": fields["To"],
                    "from": fields.get("From"),
                    "body": fields["Body"],
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                },
            )

    def attach(server: ThreadingHTTPServer, fake: FakeProvider) -> None:
        Handler.fake = fake

    yield from _serve(Handler, attach)
