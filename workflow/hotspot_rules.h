// The figures by category (诉求分类) and by dispatch-catalogue rule, and the
// hotspots (热点) of a period, counted from the period's tickets (those
// received in it). Pure: the tickets are read in app/ (hotspot_report.cc).
//
//   v1::CategoryStatistics figures = CountByCategory(tickets, categories);
//   v1::Hotspots hot = FindHotspots(tickets, previous, categories, 2, 10);
//
// Definitions (docs/workflow.md, "Hotspots"):
//  - a ticket counts for its category and every ancestor: received; replied
//    (replied_at set); closed (CLOSED); returned (return_count > 0). Tickets
//    without a category make the row with an empty code (未分类).
//  - each dispatch record (Ticket.dispatches) with a suggestion counts for
//    the suggested rule: suggested; followed (went to the rule's lead);
//    returned (followed, then returned 退单). The return rate is returned /
//    followed.
//  - a hotspot list ranks categories at one level, townships (TownshipOf)
//    and addresses (NormalizeAddress) by tickets, and by the increase over
//    the period before (only those that grew).
//  - a repeated request (重复诉求) is two or more tickets of the period with
//    the same caller phone, or the same normalized address, and the same
//    matter: the category, or the topic when a ticket has none.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_HOTSPOT_RULES_H_
#define HOTLINE_WORKFLOW_HOTSPOT_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hotline/v1/hotline_service.pb.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/category_catalogue.h"

namespace hotline {

inline constexpr int kDefaultHotspotLimit = 10;
inline constexpr int kMaxHotspotLimit = 100;
inline constexpr int kDefaultHotspotLevel = 2;

// The category and rule rows of CategoryStatistics (the caller sets the
// period and the catalogue's version).
v1::CategoryStatistics CountByCategory(const std::vector<v1::Ticket>& tickets,
                                       const CategoryCatalogue& categories);

// The lists of Hotspots (the caller sets the dates). `level` 1..3, `limit`
// 1..kMaxHotspotLimit.
v1::Hotspots FindHotspots(const std::vector<v1::Ticket>& tickets,
                          const std::vector<v1::Ticket>& previous,
                          const CategoryCatalogue& categories, int level,
                          int limit);

// "13812345678" -> "138****5678"; shorter numbers keep their last two.
std::string MaskPhone(absl::string_view phone);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_HOTSPOT_RULES_H_
