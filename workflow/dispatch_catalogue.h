// The dispatch catalogue (派单目录): which department leads on tickets of a
// category, in a township (乡镇/街道) or anywhere, and which departments
// usually assist. The bureau keeps it in versions (a whole catalogue
// each); the suggestion at each dispatch is recorded on the ticket
// (Ticket.dispatches) with whether the dispatch followed it and whether the
// department returned the ticket (退单), so that return rates by rule show
// where the catalogue is wrong (hotspot_rules.h counts them).
//
//   ASSIGN_OR_RETURN(..., CheckDispatchRules(request.rules(), categories));
//   v1::DispatchSuggestion s = SuggestDispatch(catalogue, category, address);
//   *ticket.add_dispatches() = RecordDispatch(s, "departments/housing", now);
//
// A rule matches a ticket when its category is the ticket's category or an
// ancestor of it, and its township is empty or the ticket's. The most
// specific rule wins: the longest category code, then a rule naming the
// township over one that does not.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_DISPATCH_CATALOGUE_H_
#define HOTLINE_WORKFLOW_DISPATCH_CATALOGUE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/category_catalogue.h"

namespace hotline {

inline constexpr int kMaxDispatchRules = 2000;
inline constexpr int kMaxTownshipChars = 50;

// The township (乡镇/街道) an address names: the text that ends at the
// first 街道, 镇 or 乡 and starts after the last 省, 市, 县 or 区 before it
// (or at the address's start), the address normalized first
// (duplicate_rules.h, NormalizeAddress). "城关镇幸福路12号" and
// "某某县 城关镇 幸福路" give "城关镇"; "" when there is none or it would be
// longer than 10 characters.
std::string TownshipOf(absl::string_view address);

// The rules of an update, each field checked: category in `categories`
// (UNKNOWN_CATEGORY), township empty or a township (TownshipOf gives it
// back), department and assisting departments well-formed (existence is the
// caller's to check), note; at most one rule per (category, township), at
// most kMaxDispatchRules. INVALID_ARGUMENT naming rules[i].field.
absl::Status CheckDispatchRules(
    const google::protobuf::RepeatedPtrField<v1::DispatchRule>& rules,
    const CategoryCatalogue& categories);

// The catalogue's suggestion for a ticket of `category` at `address`.
v1::DispatchSuggestion SuggestDispatch(const v1::DispatchCatalogue& catalogue,
                                       absl::string_view category,
                                       absl::string_view address);

// The record of a dispatch to `department` at `now` with `suggestion`.
v1::DispatchRecord RecordDispatch(const v1::DispatchSuggestion& suggestion,
                                  const std::string& department,
                                  absl::Time now);

// Records a dispatch just made (`ticket` at its new department, `event`
// its DISPATCHED event) with `catalogue`'s suggestion for the ticket's
// category and address: appended to Ticket.dispatches, copied to
// Event.dispatch.
void RecordDispatchOn(const v1::DispatchCatalogue& catalogue, absl::Time now,
                      v1::Ticket& ticket, v1::Event& event);

// The ticket's latest dispatch was returned (退单), or the return was
// refused (不当退单) after all: sets or clears its `returned`. No effect on
// a ticket without dispatch records (dispatched before they existed).
void MarkLatestDispatchReturned(v1::Ticket& ticket, bool returned);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_DISPATCH_CATALOGUE_H_
