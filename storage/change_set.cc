#include "storage/change_set.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace hotline::storage {
namespace {

// Marks a conflict apart from other ABORTED statuses.
constexpr char kConflictPayload[] = "hotline.storage/conflict";

}  // namespace

bool ChangeSet::empty() const {
  return expected_versions.empty() && new_tickets.empty() && tickets.empty() &&
         events.empty() && create_requests.empty() && attachments.empty() &&
         new_cards.empty() && cards.empty() && daily_reports.empty() &&
         obligations.empty() && stat_changes.empty() && !request_outcome &&
         departments.empty() && new_tokens.empty() &&
         token_revocations.empty() && policies.empty() && settings.empty();
}

namespace {

template <typename T>
void MoveAll(std::vector<T>& from, std::vector<T>* to) {
  for (T& item : from) to->push_back(std::move(item));
}

}  // namespace

void ChangeSet::Append(ChangeSet other) {
  MoveAll(other.expected_versions, &expected_versions);
  MoveAll(other.new_tickets, &new_tickets);
  MoveAll(other.tickets, &tickets);
  MoveAll(other.events, &events);
  MoveAll(other.create_requests, &create_requests);
  MoveAll(other.attachments, &attachments);
  MoveAll(other.new_cards, &new_cards);
  MoveAll(other.cards, &cards);
  MoveAll(other.daily_reports, &daily_reports);
  MoveAll(other.obligations, &obligations);
  MoveAll(other.stat_changes, &stat_changes);
  if (!request_outcome) request_outcome = std::move(other.request_outcome);
  MoveAll(other.departments, &departments);
  MoveAll(other.new_tokens, &new_tokens);
  MoveAll(other.token_revocations, &token_revocations);
  MoveAll(other.policies, &policies);
  MoveAll(other.settings, &settings);
}

bool IsConflict(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted &&
         status.GetPayload(kConflictPayload).has_value();
}

absl::Status ConflictError(absl::string_view what) {
  absl::Status status = absl::AbortedError(what);
  status.SetPayload(kConflictPayload, absl::Cord("1"));
  return status;
}

}  // namespace hotline::storage
