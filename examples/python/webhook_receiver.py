#!/usr/bin/env python3
"""A department's receiver of hotline's webhooks (docs/api.md, "Notifications").

It checks what every receiver must check before it trusts a delivery:

- the signature: Hotline-Signature holds one or more "v1=<hex>" entries
  (two while a rotated secret's overlap lasts); one must equal
  HMAC-SHA256(secret, Hotline-Timestamp + "." + body), compared in
  constant time;
- the timestamp: within five minutes of this machine's clock (a replay of
  an old delivery is refused);
- the delivery id (Hotline-Delivery, the event's seq): deliveries are at
  least once, so a repeat is answered 200 and dropped.

It answers 204 to what it takes, 401 to what it refuses, and prints one
line per delivery. Standard library only.

  HOTLINE_WEBHOOK_SECRET=whsec_... python3 webhook_receiver.py \
      --listen 127.0.0.1:8090 [--count N]
"""

import argparse
import hashlib
import hmac
import http.server
import json
import os
import sys
import time

MAX_SKEW_SECONDS = 300


def signature_ok(secret, timestamp, body, header):
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    return any(
        hmac.compare_digest(expected, part.strip()[3:])
        for part in header.split(",") if part.strip().startswith("v1="))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8090")
    parser.add_argument("--count", type=int, default=0,
                        help="exit after this many new deliveries (0: never)")
    args = parser.parse_args()
    secret = os.environ.get("HOTLINE_WEBHOOK_SECRET", "")
    if not secret:
        sys.exit("webhook_receiver: set HOTLINE_WEBHOOK_SECRET to the "
                 "subscription's secret")
    seen = set()
    taken = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            timestamp = self.headers.get("Hotline-Timestamp", "")
            if not signature_ok(secret, timestamp, body,
                                self.headers.get("Hotline-Signature", "")):
                print("refused: bad signature", flush=True)
                self.send_response(401)
                self.end_headers()
                return
            if abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
                print("refused: timestamp too far from now", flush=True)
                self.send_response(401)
                self.end_headers()
                return
            delivery = self.headers.get("Hotline-Delivery", "")
            if delivery in seen:
                self.send_response(200)  # a repeat: taken already
                self.end_headers()
                return
            seen.add(delivery)
            event = json.loads(body)["event"]
            print("delivery %s %s %s signature ok" %
                  (delivery, event["type"], event["ticket"]), flush=True)
            self.send_response(204)
            self.end_headers()
            taken[0] += 1

        def log_message(self, *unused):
            pass

    host, port = args.listen.rsplit(":", 1)
    server = http.server.HTTPServer((host, int(port)), Handler)
    while not args.count or taken[0] < args.count:
        server.handle_request()


if __name__ == "__main__":
    main()
