#!/usr/bin/env python3
"""A Standard Webhooks receiver for the organisation tests.

Every delivery is verified with the independent `standardwebhooks` package
(PyPI), against each secret listed for its path in a JSON file
({"/ok": ["whsec_…", …]}, read again on every request, so a test can add an
endpoint's secret once the server showed it), and logged as one JSON line:
path, webhook-id, attempt (per path and id), the number of signatures, the
indexes of the secrets that verify it, the body, the answer.

Answers by path:
  /ok     200
  /flaky  500 to the first attempt of each id, then 200
  /slow   sleeps past the sender's timeout on the first attempt, then 200
  /gone   410 Gone

Usage: webhook-receiver.py SECRETS.json LOG.jsonl PORT_FILE
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

secrets_path, log_path, port_path = sys.argv[1:4]
attempts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            with open(secrets_path) as f:
                secrets = json.load(f).get(self.path, [])
        except (FileNotFoundError, json.JSONDecodeError):
            secrets = []
        verified_by = []
        errors = []
        for i, secret in enumerate(secrets):
            try:
                Webhook(secret).verify(body, headers)
                verified_by.append(i)
            except Exception as e:  # WebhookVerificationError and friends
                errors.append(str(e))
        msg_id = headers.get("webhook-id")
        with lock:
            attempt = attempts.get((self.path, msg_id), 0) + 1
            attempts[(self.path, msg_id)] = attempt
        status = {"/ok": 200, "/gone": 410}.get(self.path, 404)
        if self.path == "/flaky":
            status = 500 if attempt == 1 else 200
        if self.path == "/slow":
            if attempt == 1:
                time.sleep(4)
            status = 200
        record = {
            "path": self.path,
            "id": msg_id,
            "attempt": attempt,
            "timestamp": headers.get("webhook-timestamp"),
            "signatures": headers.get("webhook-signature", "").count("v1,"),
            "verified_by": verified_by,
            "errors": errors,
            "content_type": headers.get("content-type"),
            "body": json.loads(body) if body else None,
            "status": status,
        }
        with lock, open(log_path, "a") as f:
            f.write(json.dumps(record) + "\n")
        try:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up (the /slow case)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_path + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_path + ".tmp", port_path)
server.serve_forever()
