// Duplicate suggestions (可能重复): which tickets may repeat a ticket's
// demand, for the bureau to merge (merge_rules.h). A candidate is a ticket
// received within the policy's duplicate_window_days of it (before or
// after), not the ticket itself, not merged, not closed by a final answer,
// that has the same caller phone, the same address once normalized
// (NormalizeAddress), or the same topic; and, wherever it falls in time,
// the ticket the platform marked it a repeat of (duplicate_of_source_id).
// Best first: by the strongest match (the platform's mark, phone, address,
// topic), then by the number of matches, then the nearest in received
// time, then the lower id.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_DUPLICATE_RULES_H_
#define HOTLINE_WORKFLOW_DUPLICATE_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/hotline_service.pb.h"
#include "hotline/v1/ticket.pb.h"

namespace hotline {

// The address as compared: without white space and punctuation (ASCII and
// full-width/CJK), ASCII letters in lower case, full-width digits and
// letters as ASCII ("城关镇 幸福路１２号，" and "城关镇幸福路12号" are one).
std::string NormalizeAddress(absl::string_view address);

// The received times a candidate may have: [start, end].
struct DuplicateWindow {
  absl::Time start;
  absl::Time end;
};
DuplicateWindow DuplicateWindowOf(const v1::Ticket& ticket, int window_days);

// The candidates among `tickets` (any order; a ticket listed twice counts
// once), best first, at most `limit`.
std::vector<v1::DuplicateCandidate> RankDuplicates(
    const v1::Ticket& ticket, const std::vector<v1::Ticket>& tickets,
    int limit);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_DUPLICATE_RULES_H_
