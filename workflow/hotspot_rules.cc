#include "workflow/hotspot_rules.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/dispatch_catalogue.h"
#include "workflow/duplicate_rules.h"

namespace hotline {
namespace {

using Counts = std::map<std::string, int64_t>;

void AddCategoryRow(v1::CategoryStatistics& stats, const std::string& code,
                    const CategoryCatalogue& categories,
                    const v1::Ticket& ticket,
                    std::map<std::string, int>& row_of) {
  auto [at, added] = row_of.emplace(code, stats.categories_size());
  v1::CategoryStatistics::CategoryRow* row;
  if (added) {
    row = stats.add_categories();
    row->set_code(code);
    if (code.empty()) {
      row->set_name("未分类");
    } else if (const v1::Category* category = categories.Find(code)) {
      row->set_name(category->name());
      row->set_level(category->level());
    } else {
      row->set_level(static_cast<int>(code.size()) / 2);  // a retired code
    }
  } else {
    row = stats.mutable_categories(at->second);
  }
  row->set_received(row->received() + 1);
  if (ticket.has_replied_at()) row->set_replied(row->replied() + 1);
  if (ticket.state() == v1::Ticket::CLOSED) row->set_closed(row->closed() + 1);
  if (ticket.return_count() > 0) row->set_returned(row->returned() + 1);
}

std::pair<std::string, std::string> RuleKey(const v1::DispatchRule& rule) {
  return {rule.category(), rule.township()};
}

void CountRules(const std::vector<v1::Ticket>& tickets,
                v1::CategoryStatistics& stats) {
  struct Tally {
    v1::DispatchRule rule;
    int64_t version = -1;
    int64_t suggested = 0;
    int64_t followed = 0;
    int64_t returned = 0;
  };
  std::map<std::pair<std::string, std::string>, Tally> tallies;
  for (const v1::Ticket& ticket : tickets) {
    for (const v1::DispatchRecord& record : ticket.dispatches()) {
      if (!record.suggestion().has_rule()) {
        stats.set_dispatched_without_suggestion(
            stats.dispatched_without_suggestion() + 1);
        continue;
      }
      const v1::DispatchRule& rule = record.suggestion().rule();
      Tally& tally = tallies[RuleKey(rule)];
      if (record.suggestion().catalogue_version() > tally.version) {
        tally.version = record.suggestion().catalogue_version();
        tally.rule = rule;
      }
      ++tally.suggested;
      if (record.followed()) {
        ++tally.followed;
        if (record.returned()) ++tally.returned;
      } else {
        stats.set_dispatched_against_suggestion(
            stats.dispatched_against_suggestion() + 1);
      }
    }
  }
  for (auto& [key, tally] : tallies) {
    v1::CategoryStatistics::RuleRow* row = stats.add_rules();
    *row->mutable_rule() = std::move(tally.rule);
    row->set_suggested(tally.suggested);
    row->set_followed(tally.followed);
    row->set_returned(tally.returned);
    if (tally.followed > 0) {
      row->set_return_rate_permille(
          static_cast<int32_t>(tally.returned * 1000 / tally.followed));
    }
  }
}

// The matter a ticket is about: its category, or its topic.
std::string MatterOf(const v1::Ticket& ticket) {
  return ticket.category().empty() ? absl::StrCat("topic:", ticket.topic())
                                   : ticket.category();
}

struct Place {
  Counts counts;
  std::map<std::string, std::string> first_written;
};

void FillRows(const Counts& now, const Counts& before,
              const std::function<std::string(const std::string&)>& name_of,
              int limit,
              google::protobuf::RepeatedPtrField<v1::Hotspots::Row>* top,
              google::protobuf::RepeatedPtrField<v1::Hotspots::Row>* rising) {
  std::vector<v1::Hotspots::Row> rows;
  for (const auto& [key, count] : now) {
    v1::Hotspots::Row row;
    row.set_key(key);
    row.set_name(name_of(key));
    row.set_count(count);
    auto earlier = before.find(key);
    const int64_t previous = earlier == before.end() ? 0 : earlier->second;
    row.set_previous_count(previous);
    if (previous > 0) {
      row.set_growth_permille(
          static_cast<int32_t>((count - previous) * 1000 / previous));
    }
    rows.push_back(std::move(row));
  }
  std::vector<v1::Hotspots::Row> by_count = rows;
  std::sort(by_count.begin(), by_count.end(),
            [](const v1::Hotspots::Row& a, const v1::Hotspots::Row& b) {
              return std::make_tuple(-a.count(), a.key()) <
                     std::make_tuple(-b.count(), b.key());
            });
  for (int i = 0; i < static_cast<int>(by_count.size()) && i < limit; ++i) {
    *top->Add() = by_count[i];
  }
  if (rising == nullptr) return;
  std::vector<v1::Hotspots::Row> grew;
  for (const v1::Hotspots::Row& row : rows) {
    if (row.count() > row.previous_count()) grew.push_back(row);
  }
  std::sort(grew.begin(), grew.end(),
            [](const v1::Hotspots::Row& a, const v1::Hotspots::Row& b) {
              return std::make_tuple(a.previous_count() - a.count(), -a.count(),
                                     a.key()) <
                     std::make_tuple(b.previous_count() - b.count(), -b.count(),
                                     b.key());
            });
  for (int i = 0; i < static_cast<int>(grew.size()) && i < limit; ++i) {
    *rising->Add() = grew[i];
  }
}

Counts CategoriesAt(const std::vector<v1::Ticket>& tickets, int level) {
  Counts counts;
  for (const v1::Ticket& ticket : tickets) {
    std::string code = CategoryCatalogue::AncestorAt(ticket.category(), level);
    if (!code.empty()) ++counts[code];
  }
  return counts;
}

Counts TownshipsOf(const std::vector<v1::Ticket>& tickets) {
  Counts counts;
  for (const v1::Ticket& ticket : tickets) {
    std::string township = TownshipOf(ticket.address());
    if (!township.empty()) ++counts[township];
  }
  return counts;
}

Place AddressesOf(const std::vector<v1::Ticket>& tickets) {
  Place place;
  for (const v1::Ticket& ticket : tickets) {
    std::string key = NormalizeAddress(ticket.address());
    if (key.empty()) continue;
    ++place.counts[key];
    place.first_written.emplace(key, ticket.address());
  }
  return place;
}

void FindRepeats(const std::vector<v1::Ticket>& tickets,
                 const CategoryCatalogue& categories, v1::Hotspots& hot,
                 int limit) {
  using Key = std::tuple<int, std::string, std::string>;  // kind, who, matter
  std::map<Key, std::vector<const v1::Ticket*>> groups;
  for (const v1::Ticket& ticket : tickets) {
    const std::string matter = MatterOf(ticket);
    if (!ticket.caller_phone().empty()) {
      groups[{v1::Hotspots::Repeat::CALLER, ticket.caller_phone(), matter}]
          .push_back(&ticket);
    }
    std::string place = NormalizeAddress(ticket.address());
    if (!place.empty()) {
      groups[{v1::Hotspots::Repeat::PLACE, std::move(place), matter}].push_back(
          &ticket);
    }
  }
  std::vector<v1::Hotspots::Repeat> repeats;
  std::set<std::string> in_repeats;
  for (auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    std::sort(members.begin(), members.end(),
              [](const v1::Ticket* a, const v1::Ticket* b) {
                return std::make_tuple(a->received_at().seconds(),
                                       a->received_at().nanos(), a->name()) <
                       std::make_tuple(b->received_at().seconds(),
                                       b->received_at().nanos(), b->name());
              });
    v1::Hotspots::Repeat repeat;
    const auto& [kind, who, matter] = key;
    repeat.set_kind(static_cast<v1::Hotspots::Repeat::Kind>(kind));
    repeat.set_who(kind == v1::Hotspots::Repeat::CALLER
                       ? MaskPhone(who)
                       : members.front()->address());
    const v1::Ticket& first = *members.front();
    repeat.set_matter(first.category().empty() ? first.topic()
                                               : first.category());
    if (const v1::Category* category = categories.Find(first.category())) {
      repeat.set_matter_name(category->name());
    } else {
      repeat.set_matter_name(first.topic());
    }
    for (const v1::Ticket* member : members) {
      repeat.add_tickets(member->name());
      in_repeats.insert(member->name());
    }
    repeats.push_back(std::move(repeat));
  }
  std::stable_sort(
      repeats.begin(), repeats.end(),
      [](const v1::Hotspots::Repeat& a, const v1::Hotspots::Repeat& b) {
        return a.tickets_size() > b.tickets_size();
      });
  for (int i = 0; i < static_cast<int>(repeats.size()) && i < limit; ++i) {
    *hot.add_repeats() = std::move(repeats[i]);
  }
  hot.set_repeated_tickets(static_cast<int64_t>(in_repeats.size()));
}

}  // namespace

v1::CategoryStatistics CountByCategory(const std::vector<v1::Ticket>& tickets,
                                       const CategoryCatalogue& categories) {
  v1::CategoryStatistics stats;
  // Rows by level, then code: collect per level, then append in order.
  std::map<std::string, int> row_of;
  v1::CategoryStatistics unsorted;
  for (const v1::Ticket& ticket : tickets) {
    if (ticket.category().empty()) {
      AddCategoryRow(unsorted, "", categories, ticket, row_of);
      continue;
    }
    for (int level = 1; level <= kCategoryLevels; ++level) {
      std::string code =
          CategoryCatalogue::AncestorAt(ticket.category(), level);
      if (code.empty()) break;
      AddCategoryRow(unsorted, code, categories, ticket, row_of);
    }
  }
  std::vector<v1::CategoryStatistics::CategoryRow> rows(
      unsorted.categories().begin(), unsorted.categories().end());
  std::sort(
      rows.begin(), rows.end(),
      [](const v1::CategoryStatistics::CategoryRow& a,
         const v1::CategoryStatistics::CategoryRow& b) {
        return std::make_pair(a.code().empty() ? 99 : a.level(), a.code()) <
               std::make_pair(b.code().empty() ? 99 : b.level(), b.code());
      });
  for (auto& row : rows) *stats.add_categories() = std::move(row);
  CountRules(tickets, stats);
  return stats;
}

v1::Hotspots FindHotspots(const std::vector<v1::Ticket>& tickets,
                          const std::vector<v1::Ticket>& previous,
                          const CategoryCatalogue& categories, int level,
                          int limit) {
  v1::Hotspots hot;
  hot.set_received(static_cast<int64_t>(tickets.size()));
  hot.set_previous_received(static_cast<int64_t>(previous.size()));
  FillRows(
      CategoriesAt(tickets, level), CategoriesAt(previous, level),
      [&](const std::string& code) {
        const v1::Category* category = categories.Find(code);
        return category == nullptr ? std::string() : category->name();
      },
      limit, hot.mutable_top_categories(), hot.mutable_rising_categories());
  FillRows(
      TownshipsOf(tickets), TownshipsOf(previous),
      [](const std::string& township) { return township; }, limit,
      hot.mutable_top_townships(), hot.mutable_rising_townships());
  const Place now = AddressesOf(tickets);
  const Place before = AddressesOf(previous);
  FillRows(
      now.counts, before.counts,
      [&](const std::string& key) { return now.first_written.at(key); }, limit,
      hot.mutable_top_addresses(), nullptr);
  FindRepeats(tickets, categories, hot, limit);
  return hot;
}

std::string MaskPhone(absl::string_view phone) {
  if (phone.size() >= 8) {
    return absl::StrCat(phone.substr(0, 3), std::string(phone.size() - 7, '*'),
                        phone.substr(phone.size() - 4));
  }
  if (phone.size() <= 2) return std::string(phone.size(), '*');
  return absl::StrCat(std::string(phone.size() - 2, '*'),
                      phone.substr(phone.size() - 2));
}

}  // namespace hotline
