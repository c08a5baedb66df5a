#!/usr/bin/env python3
"""A department's system talking to hotline in Python.

Lists the department's tickets, signs for (AcknowledgeTicket) those
DISPATCHED to it, replies, and follows the change feed (WatchEvents),
printing each event. Every refusal is printed with its stable reason, read
from the google.rpc.Status the server sends in the trailing metadata
"grpc-status-details-bin" (hotline/v1/errors.proto lists the reasons).

The stubs are generated with Debian's protoc and grpc_python_plugin
(docs/api.md, "Other languages"; the build does it into <build>/python):

  export HOTLINE_SERVER=127.0.0.1:7345 HOTLINE_TOKEN=hl_...   # a department's
  PYTHONPATH=build/release/python python3 examples/python/department_client.py

Over TLS, as hotlinectl: HOTLINE_TLS_CA names the CA that signed the
server's certificate; HOTLINE_TLS_CERT and HOTLINE_TLS_KEY add the
department's client certificate (mutual TLS; then HOTLINE_TOKEN may be empty
if the bureau bound the certificate).

Modes:
  (none)          sign for what is DISPATCHED, then follow the feed from now,
                  signing for each ticket dispatched to the department, until
                  Ctrl-C.
  --once          list, sign for and reply to the first DISPATCHED ticket,
                  print the feed from --after_seq until --events events, exit
                  (it waits for them: give no more than the department has).
  --sign_for NAME sign for one ticket and exit.
Exit codes: 0 done; 1 the server refused (the reason is printed); 2 usage.
"""

import argparse
import os
import sys
import uuid

import grpc

from google.rpc import error_details_pb2
from google.rpc import status_pb2
from hotline.v1 import hotline_service_pb2 as service
from hotline.v1 import hotline_service_pb2_grpc as service_grpc
from hotline.v1 import ticket_pb2


def describe_error(error):
    """'CODE: message (reason=R key=value ...)' for a grpc.RpcError."""
    text = "%s: %s" % (error.code().name, error.details())
    for key, value in error.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            if detail.Is(info.DESCRIPTOR) and detail.Unpack(info):
                fields = ["reason=%s" % info.reason]
                fields += ["%s=%s" % item for item in sorted(info.metadata.items())]
                text += " (%s)" % " ".join(fields)
    return text


def read_file(variable):
    """The bytes of the file named by environment variable `variable`."""
    path = os.environ.get(variable, "")
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


def open_channel(server):
    """Plaintext, or TLS when HOTLINE_TLS_CA names the CA that signed the
    server's certificate (with HOTLINE_TLS_CERT and HOTLINE_TLS_KEY: mutual
    TLS with the department's client certificate), as for hotlinectl."""
    ca = read_file("HOTLINE_TLS_CA")
    if ca is None:
        return grpc.insecure_channel(server)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=ca,
        private_key=read_file("HOTLINE_TLS_KEY"),
        certificate_chain=read_file("HOTLINE_TLS_CERT"))
    return grpc.secure_channel(server, credentials)


class Department:
    """One department's calls, with its token on every call."""

    def __init__(self, server, token):
        self.channel = open_channel(server)
        self.stub = service_grpc.HotlineServiceStub(self.channel)
        self.metadata = (("authorization", "Bearer " + token),) if token else ()

    def tickets(self, state=None):
        """Every ticket of the department (in `state`, if given)."""
        request = service.ListTicketsRequest(page_size=500)
        if state is not None:
            request.filter = "state = %s" % ticket_pb2.Ticket.State.Name(state)
        while True:
            page = self.stub.ListTickets(request, metadata=self.metadata, timeout=10)
            yield from page.tickets
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    def sign_for(self, name):
        ticket = self.stub.AcknowledgeTicket(
            service.AcknowledgeTicketRequest(name=name),
            metadata=self.metadata, timeout=10)
        print("signed for %s: %s" % (ticket.name, ticket_pb2.Ticket.State.Name(ticket.state)))
        return ticket

    def attach(self, name, path, step=ticket_pb2.Attachment.REPLY):
        """Uploads the file at `path` to ticket `name` for `step`, in 1 MiB
        messages; the server reads its type from its bytes."""
        with open(path, "rb") as f:
            data = f.read()
        # One id for the upload: a retry of it would attach nothing twice.
        request_id = str(uuid.uuid4())

        def messages():
            header = service.AttachmentHeader(
                ticket=name, file_name=os.path.basename(path), step=step,
                size_bytes=len(data))
            yield service.UploadAttachmentRequest(
                header=header, chunk=data[:1 << 20],
                request_id=request_id)
            for start in range(1 << 20, len(data), 1 << 20):
                yield service.UploadAttachmentRequest(chunk=data[start:start + (1 << 20)])

        attachment = self.stub.UploadAttachment(
            messages(), metadata=self.metadata, timeout=60)
        print("attached %s: %s, %d bytes" % (
            attachment.name, attachment.content_type, attachment.size_bytes))
        return attachment

    def reply(self, name, text):
        ticket = self.stub.ReplyTicket(
            service.ReplyTicketRequest(
                name=name, reply_text=text, outcome=ticket_pb2.Ticket.RESOLVED),
            metadata=self.metadata, timeout=10)
        print("replied to %s: %s" % (ticket.name, ticket_pb2.Ticket.State.Name(ticket.state)))
        return ticket

    def watch(self, after_seq=0, from_now=False):
        """The change feed: a cancellable iterator of events."""
        return self.stub.WatchEvents(
            service.WatchEventsRequest(after_seq=after_seq, from_now=from_now),
            metadata=self.metadata)


def print_ticket(ticket):
    print("%s %s %s %s" % (ticket.name, ticket_pb2.Ticket.State.Name(ticket.state),
                           ticket.topic, ticket.title))


def print_event(event):
    print("event seq=%d %s %s %s -> %s" % (
        event.seq, ticket_pb2.Event.Type.Name(event.type), event.ticket,
        ticket_pb2.Ticket.State.Name(event.state_before),
        ticket_pb2.Ticket.State.Name(event.state_after)))


def run_once(department, args):
    for ticket in department.tickets():
        print_ticket(ticket)
    dispatched = list(department.tickets(ticket_pb2.Ticket.DISPATCHED))
    if dispatched:
        name = dispatched[0].name
        department.sign_for(name)
        if args.evidence:
            department.attach(name, args.evidence)
        department.reply(name, args.reply_text)
    else:
        print("nothing DISPATCHED to sign for")
    feed = department.watch(after_seq=args.after_seq)
    seen = 0
    for event in feed:
        print_event(event)
        seen += 1
        if seen >= args.events:
            feed.cancel()
            break
    return 0


def run_forever(department):
    for ticket in department.tickets(ticket_pb2.Ticket.DISPATCHED):
        department.sign_for(ticket.name)
    last_seq = 0
    from_now = True
    while True:
        feed = department.watch(after_seq=last_seq, from_now=from_now)
        try:
            for event in feed:
                print_event(event)
                last_seq, from_now = event.seq, False
                if event.state_after == ticket_pb2.Ticket.DISPATCHED:
                    department.sign_for(event.ticket)
        except grpc.RpcError as error:
            # A stream the server ended (restart, slow reader): resume after
            # the last event handled. Anything else is final.
            if error.code() not in (grpc.StatusCode.UNAVAILABLE,
                                    grpc.StatusCode.RESOURCE_EXHAUSTED):
                raise
            print("feed ended (%s); resuming after seq %d" % (describe_error(error), last_seq),
                  file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--once", action="store_true",
                        help="list, sign for and reply to one ticket, print --events events, exit")
    parser.add_argument("--events", type=int, default=3,
                        help="with --once: how many feed events to print")
    parser.add_argument("--after_seq", type=int, default=0,
                        help="with --once: print the feed after this seq")
    parser.add_argument("--reply_text", default="已协调处理, 问题已解决",
                        help="with --once: the reply")
    parser.add_argument("--evidence", metavar="FILE",
                        help="with --once: attach FILE to the reply (佐证材料) first")
    parser.add_argument("--sign_for", metavar="TICKET",
                        help="sign for this ticket (tickets/N) and exit")
    args = parser.parse_args()
    token = os.environ.get("HOTLINE_TOKEN", "")
    if not token and not os.environ.get("HOTLINE_TLS_CERT"):
        print("department_client: set HOTLINE_TOKEN to the department's token "
              "(or HOTLINE_TLS_CERT and HOTLINE_TLS_KEY to a bound certificate)",
              file=sys.stderr)
        return 2
    department = Department(os.environ.get("HOTLINE_SERVER", "127.0.0.1:7345"), token)
    try:
        if args.sign_for:
            department.sign_for(args.sign_for)
            return 0
        if args.once:
            return run_once(department, args)
        return run_forever(department)
    except grpc.RpcError as error:
        print("department_client: %s" % describe_error(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
