// TicketService's merged duplicates (并单) and links (关联): the rules are in
// workflow/merge_rules.h, link_rules.h and duplicate_rules.h; here the
// request checks, the two-ticket writes and the candidates' read.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "app/ticket_service.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/records.h"
#include "workflow/duplicate_rules.h"
#include "workflow/link_rules.h"
#include "workflow/merge_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

// At most this many tickets of the window are compared with the ticket (a
// day of a large city's intake); the candidates are the best among them.
constexpr int kMaxDuplicateScan = 20000;
constexpr int kDuplicateScanBatch = 1000;
constexpr int kDefaultCandidates = 10;
constexpr int kMaxCandidates = 50;

// A request naming two tickets: `other` must be well-formed and another
// ticket than `name`.
absl::Status CheckOtherTicket(const std::string& name, const std::string& other,
                              absl::string_view field) {
  ASSIGN_OR_RETURN(int64_t other_id, ParseTicketName(other, field));
  absl::StatusOr<int64_t> id = ParseTicketName(name, "name");
  if (id.ok() && *id == other_id) {
    return InvalidFieldError(
        field,
        absl::StrCat(field, " names ", name, " itself; name the other ticket"));
  }
  return absl::OkStatus();
}

absl::Status CheckMergeTicket(const v1::MergeTicketRequest& request) {
  RETURN_IF_ERROR(
      CheckOtherTicket(request.name(), request.main_ticket(), "main_ticket"));
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckUnmergeTicket(const v1::UnmergeTicketRequest& request) {
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

template <typename Request>
absl::Status CheckLinkRequest(const Request& request, bool reason_required) {
  RETURN_IF_ERROR(
      CheckOtherTicket(request.name(), request.other_ticket(), "other_ticket"));
  RETURN_IF_ERROR(
      reason_required
          ? CheckRequiredText(request.reason(), "reason", kMaxReasonChars)
          : CheckOptionalText(request.reason(), "reason", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

// The other ticket as the request names it in `field`.
OtherOf Named(const std::string& other, const std::string& field) {
  return [other, field](const v1::Ticket&) -> absl::StatusOr<OtherTicket> {
    return OtherTicket{other, field};
  };
}

}  // namespace

void TicketService::PairTransition(const Principal& principal,
                                   TicketAction action, const std::string& name,
                                   const google::protobuf::Message& request,
                                   const absl::Status& checked,
                                   OtherOf other_of, PairRule rule,
                                   TicketDone done) {
  Step(
      principal, action, name, request, checked,
      [this, action, name, other_of = std::move(other_of),
       rule = std::move(rule)](const ActionContext& context, int64_t id) {
        return PlanPairStep(*store_, *policies_, context, action, id, name,
                            other_of, rule);
      },
      std::move(done));
}

void TicketService::MergeTicket(const Principal& principal,
                                const v1::MergeTicketRequest& request,
                                TicketDone done) {
  PairTransition(
      principal, TicketAction::kMerge, request.name(), request,
      CheckMergeTicket(request), Named(request.main_ticket(), "main_ticket"),
      [request](const v1::Ticket& ticket, const v1::Ticket& main,
                const ActionContext& context) {
        return hotline::Merge(ticket, main, request.reason(), request.etag(),
                              context);
      },
      std::move(done));
}

void TicketService::UnmergeTicket(const Principal& principal,
                                  const v1::UnmergeTicketRequest& request,
                                  TicketDone done) {
  const DeadlineRules rules = policies_->CurrentRules();
  PairTransition(
      principal, TicketAction::kUnmerge, request.name(), request,
      CheckUnmergeTicket(request),
      // Its main, as the ticket names it; a ticket not merged names none.
      [](const v1::Ticket& ticket) -> absl::StatusOr<OtherTicket> {
        RETURN_IF_ERROR(CheckMerged(ticket));
        return OtherTicket{ticket.merged_into(), "merged_into"};
      },
      [request, rules](const v1::Ticket& ticket, const v1::Ticket& main,
                       const ActionContext& context) {
        return hotline::Unmerge(ticket, main, request.reason(), request.etag(),
                                context, rules);
      },
      std::move(done));
}

void TicketService::LinkTickets(const Principal& principal,
                                const v1::LinkTicketsRequest& request,
                                TicketDone done) {
  PairTransition(
      principal, TicketAction::kLink, request.name(), request,
      CheckLinkRequest(request, true),
      Named(request.other_ticket(), "other_ticket"),
      [request](const v1::Ticket& ticket, const v1::Ticket& other,
                const ActionContext& context) {
        return hotline::Link(ticket, other, request.reason(), request.etag(),
                             context);
      },
      std::move(done));
}

void TicketService::UnlinkTickets(const Principal& principal,
                                  const v1::UnlinkTicketsRequest& request,
                                  TicketDone done) {
  PairTransition(
      principal, TicketAction::kLink, request.name(), request,
      CheckLinkRequest(request, false),
      Named(request.other_ticket(), "other_ticket"),
      [request](const v1::Ticket& ticket, const v1::Ticket& other,
                const ActionContext& context) {
        return hotline::Unlink(ticket, other, request.reason(), request.etag(),
                               context);
      },
      std::move(done));
}

absl::StatusOr<v1::ListDuplicateCandidatesResponse>
TicketService::ListDuplicateCandidates(
    const Principal& principal,
    const v1::ListDuplicateCandidatesRequest& request) {
  ASSIGN_OR_RETURN(int64_t id, ParseTicketName(request.name(), "name"));
  if (request.page_size() < 0 || request.page_size() > kMaxCandidates) {
    return InvalidFieldError(
        "page_size", absl::StrCat("page_size must be from 0 (the default, ",
                                  kDefaultCandidates, ") to ", kMaxCandidates));
  }
  RETURN_IF_ERROR(AuthorizeBureauOnly(principal, "ListDuplicateCandidates"));
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_->LoadTicket(id));
  if (!ticket) return ResourceNotFound("ticket", request.name());
  const DuplicateWindow window = DuplicateWindowOf(
      *ticket, policies_->CurrentRules().policy->duplicate_window_days());
  storage::TicketQuery query;
  query.received_from_micros = absl::ToUnixMicros(window.start);
  query.received_until_micros = absl::ToUnixMicros(window.end);
  query.limit = kDuplicateScanBatch;
  std::vector<v1::Ticket> seen;
  while (static_cast<int>(seen.size()) < kMaxDuplicateScan) {
    ASSIGN_OR_RETURN(std::vector<v1::Ticket> batch,
                     store_->QueryTickets(query));
    if (batch.empty()) break;
    query.after_id = storage::TicketId(batch.back());
    const bool last = static_cast<int>(batch.size()) < kDuplicateScanBatch;
    for (v1::Ticket& t : batch) seen.push_back(std::move(t));
    if (last) break;
  }
  if (!ticket->duplicate_of_source_id().empty()) {
    // The ticket the platform marked it a repeat of, wherever it falls.
    ASSIGN_OR_RETURN(
        std::optional<v1::Ticket> marked,
        store_->LoadTicketBySourceId(ticket->duplicate_of_source_id()));
    if (marked) seen.push_back(*std::move(marked));
  }
  v1::ListDuplicateCandidatesResponse response;
  for (v1::DuplicateCandidate& candidate :
       RankDuplicates(*ticket, seen,
                      request.page_size() == 0 ? kDefaultCandidates
                                               : request.page_size())) {
    *response.add_candidates() = std::move(candidate);
  }
  *response.mutable_window_start() = ToProtoTime(window.start);
  *response.mutable_window_end() = ToProtoTime(window.end);
  return response;
}

}  // namespace hotline
