#include "tools/hotspot_format.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"
#include "tools/report_format.h"

namespace hotline::cli {
namespace {

std::string Percent(int32_t permille) {
  return absl::StrFormat("%d.%d%%", std::abs(permille) / 10,
                         std::abs(permille) % 10);
}

std::string GrowthZh(const v1::Hotspots::Row& row) {
  if (!row.has_growth_permille()) return "(上期无)";
  if (row.growth_permille() == 0) return "(环比持平)";
  return absl::StrCat(row.growth_permille() > 0 ? "(环比增长" : "(环比下降",
                      Percent(row.growth_permille()), ")");
}

std::string Growth(const v1::Hotspots::Row& row) {
  if (!row.has_growth_permille()) return "new";
  return absl::StrCat(row.growth_permille() >= 0 ? "+" : "-",
                      Percent(row.growth_permille()));
}

std::string Label(const v1::Hotspots::Row& row) {
  return row.name().empty() ? row.key() : row.name();
}

void AddRows(
    Table& table, const std::string& list,
    const google::protobuf::RepeatedPtrField<v1::Hotspots::Row>& rows) {
  for (const v1::Hotspots::Row& row : rows) {
    table.AddRow({list, row.key(), row.name() == row.key() ? "" : row.name(),
                  absl::StrCat(row.count()), absl::StrCat(row.previous_count()),
                  Growth(row)});
  }
}

void AddCsv(std::string& out, const std::string& list,
            const google::protobuf::RepeatedPtrField<v1::Hotspots::Row>& rows) {
  for (const v1::Hotspots::Row& row : rows) {
    absl::StrAppend(
        &out,
        CsvLine({list, row.key(), row.name(), absl::StrCat(row.count()),
                 absl::StrCat(row.previous_count()),
                 row.has_growth_permille() ? absl::StrCat(row.growth_permille())
                                           : ""}));
  }
}

std::string Rate(const v1::CategoryStatistics::RuleRow& row) {
  return row.has_return_rate_permille() ? Percent(row.return_rate_permille())
                                        : "-";
}

}  // namespace

std::string HotspotsZh(const v1::Hotspots& hot) {
  if (hot.top_categories().empty()) return "";
  std::vector<std::string> top;
  for (int i = 0; i < hot.top_categories_size() && i < 3; ++i) {
    const v1::Hotspots::Row& row = hot.top_categories(i);
    top.push_back(absl::StrCat(Label(row), row.count(), "件", GrowthZh(row)));
  }
  std::string out = absl::StrCat("热点问题:", absl::StrJoin(top, "、"));
  if (!hot.rising_categories().empty()) {
    const v1::Hotspots::Row& row = hot.rising_categories(0);
    absl::StrAppend(&out, ";增长最快的是", Label(row), "(增加",
                    row.count() - row.previous_count(), "件)");
  }
  std::vector<std::string> places;
  for (int i = 0; i < hot.top_townships_size() && i < 3; ++i) {
    const v1::Hotspots::Row& row = hot.top_townships(i);
    places.push_back(absl::StrCat(row.key(), "(", row.count(), "件)"));
  }
  if (!places.empty()) {
    absl::StrAppend(&out, ";诉求集中在", absl::StrJoin(places, "、"));
  }
  if (hot.repeated_tickets() > 0) {
    absl::StrAppend(&out, ";重复诉求", hot.repeated_tickets(), "件");
  }
  absl::StrAppend(&out, "。\n");
  return out;
}

std::string HotspotsTable(const v1::Hotspots& hot) {
  std::string out =
      absl::StrCat(hot.from_date(), " to ", hot.to_date(), ": ", hot.received(),
                   " tickets (", hot.previous_received(), " from ",
                   hot.previous_from_date(), ")\n");
  Table table({"LIST", "KEY", "NAME", "TICKETS", "BEFORE", "GROWTH"});
  AddRows(table, "category", hot.top_categories());
  AddRows(table, "rising", hot.rising_categories());
  AddRows(table, "township", hot.top_townships());
  AddRows(table, "rising-township", hot.rising_townships());
  AddRows(table, "address", hot.top_addresses());
  absl::StrAppend(&out, table.Render());
  if (!hot.repeats().empty()) {
    Table repeats({"REPEAT", "WHO", "MATTER", "TICKETS"});
    for (const v1::Hotspots::Repeat& r : hot.repeats()) {
      repeats.AddRow(
          {r.kind() == v1::Hotspots::Repeat::CALLER ? "caller" : "place",
           r.who(),
           r.matter_name().empty()
               ? r.matter()
               : absl::StrCat(r.matter(), " ", r.matter_name()),
           absl::StrJoin(r.tickets(), " ")});
    }
    absl::StrAppend(&out, "\n", repeats.Render());
  }
  absl::StrAppend(&out, "repeated requests: ", hot.repeated_tickets(),
                  " tickets\n");
  return out;
}

std::string HotspotsCsv(const v1::Hotspots& hot) {
  std::string out = CsvLine(
      {"list", "key", "name", "count", "previous_count", "growth_permille"});
  AddCsv(out, "category", hot.top_categories());
  AddCsv(out, "rising", hot.rising_categories());
  AddCsv(out, "township", hot.top_townships());
  AddCsv(out, "rising-township", hot.rising_townships());
  AddCsv(out, "address", hot.top_addresses());
  for (const v1::Hotspots::Repeat& r : hot.repeats()) {
    absl::StrAppend(
        &out,
        CsvLine({"repeat",
                 r.kind() == v1::Hotspots::Repeat::CALLER ? "caller" : "place",
                 r.who(), r.matter(), r.matter_name(),
                 absl::StrJoin(r.tickets(), " ")}));
  }
  return out;
}

std::string CategoryStatisticsTable(const v1::CategoryStatistics& stats) {
  Table table(
      {"CODE", "CATEGORY", "RECEIVED", "REPLIED", "CLOSED", "RETURNED"});
  for (const auto& row : stats.categories()) {
    table.AddRow(
        {row.code(),
         absl::StrCat(std::string(2 * std::max(0, row.level() - 1), ' '),
                      row.name()),
         absl::StrCat(row.received()), absl::StrCat(row.replied()),
         absl::StrCat(row.closed()), absl::StrCat(row.returned())});
  }
  std::string out = table.Render();
  if (!stats.rules().empty()) {
    Table rules(
        {"RULE", "LEAD", "SUGGESTED", "FOLLOWED", "RETURNED", "RETURN RATE"});
    for (const auto& row : stats.rules()) {
      rules.AddRow(
          {absl::StrCat(row.rule().category(),
                        row.rule().township().empty()
                            ? ""
                            : absl::StrCat(" ", row.rule().township())),
           ShortDepartment(row.rule().department()),
           absl::StrCat(row.suggested()), absl::StrCat(row.followed()),
           absl::StrCat(row.returned()), Rate(row)});
    }
    absl::StrAppend(&out, "\n", rules.Render());
  }
  absl::StrAppend(&out, "dispatched without a suggestion: ",
                  stats.dispatched_without_suggestion(),
                  "; against the suggestion: ",
                  stats.dispatched_against_suggestion(), "\n");
  return out;
}

std::string CategoryStatisticsCsv(const v1::CategoryStatistics& stats) {
  std::string out = CsvLine({"kind", "code", "name", "level", "received",
                             "replied", "closed", "returned"});
  for (const auto& row : stats.categories()) {
    absl::StrAppend(
        &out,
        CsvLine({"category", row.code(), row.name(), absl::StrCat(row.level()),
                 absl::StrCat(row.received()), absl::StrCat(row.replied()),
                 absl::StrCat(row.closed()), absl::StrCat(row.returned())}));
  }
  absl::StrAppend(
      &out, CsvLine({"kind", "category", "township", "department", "suggested",
                     "followed", "returned", "return_rate_permille"}));
  for (const auto& row : stats.rules()) {
    absl::StrAppend(
        &out,
        CsvLine({"rule", row.rule().category(), row.rule().township(),
                 row.rule().department(), absl::StrCat(row.suggested()),
                 absl::StrCat(row.followed()), absl::StrCat(row.returned()),
                 row.has_return_rate_permille()
                     ? absl::StrCat(row.return_rate_permille())
                     : ""}));
  }
  return out;
}

std::string CategoryStatisticsZh(const v1::CategoryStatistics& stats) {
  std::vector<std::string> top;
  for (const auto& row : stats.categories()) {
    if (row.level() == 1 || row.code().empty()) {
      top.push_back(absl::StrCat(row.name(), row.received(), "件"));
    }
  }
  std::string out = absl::StrCat(
      "各类诉求:", top.empty() ? "无" : absl::StrJoin(top, "、"), "。");
  std::vector<std::string> wrong;
  for (const auto& row : stats.rules()) {
    if (row.returned() == 0) continue;
    wrong.push_back(absl::StrCat(row.rule().category(), row.rule().township(),
                                 "派", ShortDepartment(row.rule().department()),
                                 "退单率", Rate(row)));
  }
  if (!wrong.empty()) {
    absl::StrAppend(&out, "派单目录退单:", absl::StrJoin(wrong, "、"), "。");
  }
  absl::StrAppend(&out, "\n");
  return out;
}

}  // namespace hotline::cli
