#include "workflow/link_rules.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

using v1::Event;
using v1::Ticket;

// Where `ticket` lists its link to `other`; -1 when it does not.
int LinkIndex(const Ticket& ticket, const std::string& other) {
  for (int i = 0; i < ticket.links_size(); ++i) {
    if (ticket.links(i).ticket() == other) return i;
  }
  return -1;
}

absl::Status CheckPair(const Ticket& ticket, const Ticket& other,
                       absl::string_view etag, absl::string_view method) {
  if (ticket.name() == other.name()) {
    return InvalidFieldError(
        "other_ticket",
        absl::StrCat("a ticket cannot be linked to itself; name another "
                     "ticket than ",
                     ticket.name()));
  }
  RETURN_IF_ERROR(CheckStep(
      ticket, etag, method,
      {Ticket::RECEIVED, Ticket::DISPATCHED, Ticket::IN_PROGRESS,
       Ticket::REPLIED, Ticket::CLOSED, Ticket::RETURNED, Ticket::SUSPENDED}));
  return CheckNotMerged(other, method);
}

// One end of a link step: `ticket`'s event naming `other`.
TicketChange LinkStep(const Ticket& ticket, const Ticket& other,
                      Event::Type type, absl::string_view reason,
                      const ActionContext& context) {
  TicketChange change = BeginStep(ticket, type, ticket.state(), context);
  if (type == Event::LINKED) {
    v1::TicketLink& link = *change.ticket.add_links();
    link.set_ticket(other.name());
    link.set_reason(std::string(reason));
    link.set_linked_by(context.actor.ToString());
    *link.mutable_link_time() = ToProtoTime(context.now);
  } else {
    auto* links = change.ticket.mutable_links();
    links->erase(links->begin() + LinkIndex(ticket, other.name()));
  }
  change.event.set_reason(std::string(reason));
  change.event.set_related_ticket(other.name());
  FinishStep(ticket, change);
  return change;
}

}  // namespace

absl::StatusOr<TicketPairChange> Link(const Ticket& ticket, const Ticket& other,
                                      absl::string_view reason,
                                      absl::string_view etag,
                                      const ActionContext& context) {
  RETURN_IF_ERROR(CheckPair(ticket, other, etag, "LinkTickets"));
  if (LinkIndex(ticket, other.name()) >= 0) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), " and ", other.name(), " are already linked")),
        v1::ALREADY_LINKED,
        {{"ticket", ticket.name()}, {"other_ticket", other.name()}});
  }
  return TicketPairChange{
      LinkStep(ticket, other, Event::LINKED, reason, context),
      LinkStep(other, ticket, Event::LINKED, reason, context)};
}

absl::StatusOr<TicketPairChange> Unlink(const Ticket& ticket,
                                        const Ticket& other,
                                        absl::string_view reason,
                                        absl::string_view etag,
                                        const ActionContext& context) {
  RETURN_IF_ERROR(CheckPair(ticket, other, etag, "UnlinkTickets"));
  if (LinkIndex(ticket, other.name()) < 0 ||
      LinkIndex(other, ticket.name()) < 0) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), " and ", other.name(), " are not linked")),
        v1::NOT_LINKED,
        {{"ticket", ticket.name()}, {"other_ticket", other.name()}});
  }
  return TicketPairChange{
      LinkStep(ticket, other, Event::UNLINKED, reason, context),
      LinkStep(other, ticket, Event::UNLINKED, reason, context)};
}

}  // namespace hotline
