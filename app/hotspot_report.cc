// StatisticsService::GetCategoryStatistics and GetHotspots: the tickets
// received in a period (and, for hotspots, in the period of the same
// length before), read page by page and kept only in the fields counted,
// then counted by workflow/hotspot_rules.h. The cost grows with the
// period's tickets: a period is at most kMaxHotspotDays days.
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "app/statistics_service.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/records.h"
#include "workflow/access.h"
#include "workflow/hotspot_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

constexpr int kMaxHotspotDays = 366;
constexpr int kTicketPage = 500;

// The period, at most kMaxHotspotDays long.
absl::StatusOr<DayPeriod> ParsePeriod(const std::string& from_date,
                                      const std::string& to_date) {
  ASSIGN_OR_RETURN(DayPeriod period, ParseDayPeriod(from_date, to_date));
  if (period.to - period.from > kMaxHotspotDays) {
    return InvalidFieldError(
        "to_date", absl::StrCat("a period is at most ", kMaxHotspotDays,
                                " days; ask for a year at a time"));
  }
  return period;
}

// The fields hotspot_rules.h counts.
v1::Ticket Counted(v1::Ticket ticket) {
  v1::Ticket kept;
  kept.set_name(ticket.name());
  kept.set_state(ticket.state());
  kept.set_category(ticket.category());
  kept.set_topic(ticket.topic());
  kept.set_address(ticket.address());
  kept.set_caller_phone(ticket.caller_phone());
  kept.set_return_count(ticket.return_count());
  *kept.mutable_received_at() = ticket.received_at();
  if (ticket.has_replied_at()) *kept.mutable_replied_at() = ticket.replied_at();
  *kept.mutable_dispatches() = std::move(*ticket.mutable_dispatches());
  return kept;
}

absl::StatusOr<std::vector<v1::Ticket>> TicketsReceived(storage::Store& store,
                                                        absl::TimeZone zone,
                                                        absl::CivilDay from,
                                                        absl::CivilDay to) {
  storage::TicketQuery query;
  query.received_from_micros =
      absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(from), zone));
  query.received_until_micros =
      absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(to), zone)) - 1;
  query.limit = kTicketPage;
  std::vector<v1::Ticket> tickets;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<v1::Ticket> page, store.QueryTickets(query));
    if (page.empty()) break;
    query.after_id = storage::TicketId(page.back());
    const bool last = static_cast<int>(page.size()) < kTicketPage;
    for (v1::Ticket& ticket : page) {
      tickets.push_back(Counted(std::move(ticket)));
    }
    if (last) break;
  }
  return tickets;
}

}  // namespace

absl::StatusOr<v1::CategoryStatistics> StatisticsService::GetCategoryStatistics(
    const Principal& principal,
    const v1::GetCategoryStatisticsRequest& request) {
  ASSIGN_OR_RETURN(DayPeriod period,
                   ParsePeriod(request.from_date(), request.to_date()));
  RETURN_IF_ERROR(AuthorizeBureauOnly(principal, "GetCategoryStatistics"));
  if (policies_ == nullptr) {
    return absl::FailedPreconditionError(
        "this statistics service has no category catalogue");
  }
  ASSIGN_OR_RETURN(std::vector<v1::Ticket> tickets,
                   TicketsReceived(*store_, zone_, period.from, period.to));
  v1::CategoryStatistics stats =
      CountByCategory(tickets, policies_->categories());
  stats.set_from_date(request.from_date());
  stats.set_to_date(request.to_date());
  stats.set_catalogue_version(policies_->categories().version());
  return stats;
}

absl::StatusOr<v1::Hotspots> StatisticsService::GetHotspots(
    const Principal& principal, const v1::GetHotspotsRequest& request) {
  ASSIGN_OR_RETURN(DayPeriod period,
                   ParsePeriod(request.from_date(), request.to_date()));
  if (request.level() < 0 || request.level() > kCategoryLevels) {
    return InvalidFieldError(
        "level", absl::StrCat("level is 1 (大类), 2 (中类) or 3 (小类); 0 or "
                              "unset: ",
                              kDefaultHotspotLevel));
  }
  if (request.limit() < 0 || request.limit() > kMaxHotspotLimit) {
    return InvalidFieldError(
        "limit", absl::StrCat("limit is from 1 to ", kMaxHotspotLimit,
                              "; 0 or unset: ", kDefaultHotspotLimit));
  }
  RETURN_IF_ERROR(AuthorizeBureauOnly(principal, "GetHotspots"));
  if (policies_ == nullptr) {
    return absl::FailedPreconditionError(
        "this statistics service has no category catalogue");
  }
  const absl::CivilDay previous_from = period.from - (period.to - period.from);
  ASSIGN_OR_RETURN(std::vector<v1::Ticket> now,
                   TicketsReceived(*store_, zone_, period.from, period.to));
  ASSIGN_OR_RETURN(std::vector<v1::Ticket> before,
                   TicketsReceived(*store_, zone_, previous_from, period.from));
  v1::Hotspots hot = FindHotspots(
      now, before, policies_->categories(),
      request.level() == 0 ? kDefaultHotspotLevel : request.level(),
      request.limit() == 0 ? kDefaultHotspotLimit : request.limit());
  hot.set_from_date(request.from_date());
  hot.set_to_date(request.to_date());
  hot.set_previous_from_date(absl::FormatCivilTime(previous_from));
  return hot;
}

}  // namespace hotline
