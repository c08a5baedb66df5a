#include "tools/assessment_format.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"
#include "tools/report_format.h"

namespace hotline::cli {
namespace {

std::string Label(const v1::Assessment::Row& row) {
  return row.display_name().empty() ? ShortDepartment(row.department())
                                    : row.display_name();
}

std::string RankText(int32_t rank) {
  return rank > 0 ? absl::StrCat(rank) : "-";
}

// "住建局95.2分(第1名,上期第2名)".
std::string Listed(const v1::Assessment::Row& row) {
  return absl::StrCat(Label(row), ScoreText(true, row.score_permille()),
                      "分(第", row.rank(), "名",
                      row.previous_rank() > 0
                          ? absl::StrCat(",上期第", row.previous_rank(), "名")
                          : "",
                      ")");
}

}  // namespace

std::string ScoreText(bool has, int32_t permille) {
  return has ? absl::StrFormat("%.1f", permille / 10.0) : "-";
}

std::string AssessmentTable(const v1::Assessment& a) {
  std::vector<std::string> headers = {"DEPARTMENT", "TICKETS",   "RANK",
                                      "SCORE",      "PREV RANK", "PREV SCORE"};
  if (a.rows_size() > 0) {
    for (const auto& rate : a.rows(0).rates()) {
      headers.push_back(absl::AsciiStrToUpper(rate.name()));
    }
  }
  Table table(headers);
  for (const v1::Assessment::Row& row : a.rows()) {
    std::vector<std::string> cells = {
        Label(row),
        absl::StrCat(row.tickets()),
        RankText(row.rank()),
        ScoreText(row.has_score_permille(), row.score_permille()),
        RankText(row.previous_rank()),
        ScoreText(row.has_previous_score_permille(),
                  row.previous_score_permille())};
    for (const auto& rate : row.rates()) {
      cells.push_back(rate.has_permille()
                          ? absl::StrCat(ScoreText(true, rate.permille()), "%")
                          : "-");
    }
    table.AddRow(std::move(cells));
  }
  return absl::StrCat(
      KeyValues({{"period", absl::StrCat(a.from_date(), " .. ", a.to_date(),
                                         " (to_date not counted)")},
                 {"previous",
                  absl::StrCat(a.previous_from_date(), " .. ", a.from_date())},
                 {"as of", FormatTime(a.as_of())},
                 {"policy", a.policy_version()},
                 {"ranked from",
                  absl::StrCat(a.min_tickets(), " tickets forwarded")}}),
      "\n", table.Render());
}

std::string AssessmentCsv(const v1::Assessment& a) {
  std::vector<std::string> header = {
      "department", "display_name", "tickets",       "ranked",
      "rank",       "score",        "previous_rank", "previous_score"};
  if (a.rows_size() > 0) {
    for (const auto& rate : a.rows(0).rates()) {
      header.push_back(absl::StrCat(rate.name(), "_percent"));
    }
  }
  std::string out = CsvLine(header);
  for (const v1::Assessment::Row& row : a.rows()) {
    std::vector<std::string> cells = {
        row.department(),
        row.display_name(),
        absl::StrCat(row.tickets()),
        row.ranked() ? "yes" : "no",
        row.rank() > 0 ? absl::StrCat(row.rank()) : "",
        row.has_score_permille() ? ScoreText(true, row.score_permille()) : "",
        row.previous_rank() > 0 ? absl::StrCat(row.previous_rank()) : "",
        row.has_previous_score_permille()
            ? ScoreText(true, row.previous_score_permille())
            : ""};
    for (const auto& rate : row.rates()) {
      cells.push_back(rate.has_permille() ? ScoreText(true, rate.permille())
                                          : "");
    }
    absl::StrAppend(&out, CsvLine(cells));
  }
  return out;
}

std::string AssessmentZh(const v1::Assessment& a) {
  absl::CivilDay from;
  absl::CivilDay to;
  absl::ParseCivilTime(a.from_date(), &from);
  absl::ParseCivilTime(a.to_date(), &to);
  std::vector<const v1::Assessment::Row*> ranked;
  std::vector<std::string> unranked;
  for (const v1::Assessment::Row& row : a.rows()) {
    if (row.ranked()) {
      ranked.push_back(&row);
    } else {
      unranked.push_back(Label(row));
    }
  }
  const size_t n = ranked.size();
  const size_t red = std::min<size_t>(3, (n + 1) / 2);
  const size_t black = std::min<size_t>(3, n / 2);
  std::vector<std::string> red_list;
  for (size_t i = 0; i < red; ++i) red_list.push_back(Listed(*ranked[i]));
  std::vector<std::string> black_list;
  for (size_t i = 0; i < black; ++i) {
    black_list.push_back(Listed(*ranked[n - 1 - i]));
  }
  std::string out = absl::StrCat(ChineseDate(from), "至", ChineseDate(to - 1),
                                 "各部门考核得分(满分100分):");
  if (n == 0) {
    absl::StrAppend(&out, "无参与排名的部门");
  } else {
    absl::StrAppend(&out, "红榜:", absl::StrJoin(red_list, "、"));
    if (!black_list.empty()) {
      absl::StrAppend(&out, ";黑榜:", absl::StrJoin(black_list, "、"));
    }
  }
  if (!unranked.empty()) {
    absl::StrAppend(
        &out, ";工单不足", a.min_tickets(),
        "件或无可考核指标,不参与排名:", absl::StrJoin(unranked, "、"));
  }
  absl::StrAppend(&out, "。\n");
  return out;
}

}  // namespace hotline::cli
