#!/usr/bin/env python3
"""A ticket's way through hotline over HTTP/JSON from Python, with classes
generated from the server's OpenAPI description by quicktype (npm): the
answers are read into typed dataclasses (hotline_models.py beside this
file); the calls are the standard library's urllib.

  npx quicktype -s schema --lang python --python-version 3.7 \\
      -o hotline_models.py \\
      'openapi.json#/components/schemas/hotline.v1.Ticket' \\
      'openapi.json#/components/schemas/hotline.v1.ListTicketsResponse' \\
      'openapi.json#/components/schemas/google.rpc.Status'
  HOTLINE_URL=http://127.0.0.1:8080 HOTLINE_TOKEN=hl_... \\
  HOTLINE_DEPARTMENT=departments/housing HOTLINE_DEPARTMENT_TOKEN=hl_... \\
      python3 ticket_client.py

The bureau (HOTLINE_TOKEN) creates a ticket dispatched to the department;
the department (HOTLINE_DEPARTMENT_TOKEN) finds it in its list, signs for it
(签收) and replies; signing for it again is refused, and the refusal's
reason is read from the google.rpc.Status the server answers with. The
generated module needs python3-dateutil (Debian's package).
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import hotline_models as models

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


class Refused(Exception):
    """A refusal: the HTTP status and the google.rpc.Status."""

    def __init__(self, http_status, status):
        super().__init__(status.message)
        self.http_status = http_status
        self.status = status

    def reason(self):
        for detail in self.status.details or []:
            if detail.type.value == ERROR_INFO and detail.reason:
                return detail.reason.value
        return "(no reason)"


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"ticket_client: set {name}")
    return value


class Client:
    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(self, method, path, body=None, query=None):
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            status = models.google_rpc_status_from_dict(json.load(error))
            raise Refused(error.code, status) from None

    def create_ticket(self, ticket, dispatch_to, request_id):
        return models.hotline_v1_ticket_from_dict(
            self.call("POST", "/v1/tickets", {
                "ticket": ticket,
                "dispatchTo": dispatch_to,
                "requestId": request_id,
            }))

    def list_tickets(self, filter_text):
        return models.hotline_v1_list_tickets_response_from_dict(
            self.call("GET", "/v1/tickets", query={"filter": filter_text}))

    def acknowledge(self, name):
        return models.hotline_v1_ticket_from_dict(
            self.call("POST", f"/v1/{name}:acknowledge", {}))

    def reply(self, name, text, outcome):
        return models.hotline_v1_ticket_from_dict(
            self.call("POST", f"/v1/{name}:reply", {
                "replyText": text,
                "outcome": outcome,
            }))


def main():
    base_url = env("HOTLINE_URL")
    department = env("HOTLINE_DEPARTMENT")
    bureau = Client(base_url, env("HOTLINE_TOKEN"))
    clerk = Client(base_url, env("HOTLINE_DEPARTMENT_TOKEN"))

    ticket = bureau.create_ticket(
        {
            "type": "HELP",
            "topic": "路灯",
            "title": "路灯不亮",
            "content": "某路口路灯连续三晚不亮。",
        },
        department,
        # The same requestId on a retry returns this ticket, not a second.
        f"ticket-client-py-{time.time_ns()}")
    print(f"created {ticket.name}: {ticket.state.value}")

    listed = clerk.list_tickets("state = DISPATCHED")
    found = any(t.name == ticket.name for t in listed.tickets or [])
    print(f"listed {ticket.name}: {'yes' if found else 'no'}")

    signed = clerk.acknowledge(ticket.name)
    print(f"signed for {ticket.name}: {signed.state.value}")
    replied = clerk.reply(ticket.name, "已修复路灯。", "RESOLVED")
    print(f"replied to {ticket.name}: {replied.state.value}")

    try:
        clerk.acknowledge(ticket.name)
        sys.exit("ticket_client: a second sign-for was accepted")
    except Refused as refusal:
        print(f"refused: HTTP {refusal.http_status} {refusal.reason()}")


if __name__ == "__main__":
    try:
        main()
    except Refused as refusal:
        sys.exit(f"ticket_client: {refusal.http_status} {refusal.status.message}"
                 f" ({refusal.reason()})")
