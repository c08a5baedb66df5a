#include "tools/report_format.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"

namespace hotline::cli {
namespace {

// One decimal, without a trailing ".0": 3.5 -> "3.5", 12.0 -> "12".
std::string Decimal(double value) {
  std::string text = absl::StrFormat("%.1f", value);
  if (absl::EndsWith(text, ".0")) text.resize(text.size() - 2);
  return text;
}

std::string PermilleText(int32_t permille) {
  return absl::StrFormat("%d.%d%%", permille / 10, permille % 10);
}

std::string DepartmentLabel(const v1::Statistics::DepartmentRow& row) {
  if (row.department().empty()) return "(not dispatched)";
  return ShortDepartment(row.department());
}

std::string DepartmentLabelZh(const v1::Statistics::DepartmentRow& row) {
  if (row.department().empty()) return "未转派(含退回)";
  if (!row.display_name().empty()) return row.display_name();
  return ShortDepartment(row.department());
}

std::string TheFilter(const v1::Statistics& s) {
  if (!s.department().empty()) return ShortDepartment(s.department());
  if (s.type() != v1::Ticket::TYPE_UNSPECIFIED) {
    return absl::StrCat("type ", v1::Ticket::Type_Name(s.type()));
  }
  if (!s.topic().empty()) return absl::StrCat("topic ", s.topic());
  return "all tickets";
}

// `first` followed by the ticket counts every row shows: received,
// forwarded, replied, on time, pending, overdue, yellow, red.
std::vector<std::string> WithCounts(std::vector<std::string> first,
                                    const v1::Figures& f) {
  for (int64_t n : {f.received(), f.forwarded(), f.replied(),
                    f.replied_on_time(), f.pending_not_overdue(),
                    f.pending_overdue(), f.yellow_cards(), f.red_cards()}) {
    first.push_back(absl::StrCat(n));
  }
  return first;
}

std::vector<std::string> CsvCells(const std::string& scope,
                                  const std::string& key,
                                  const v1::Figures& f) {
  std::vector<std::string> cells = WithCounts({scope, key}, f);
  auto percent = [](bool has, int32_t permille) {
    return has ? absl::StrFormat("%.1f", permille / 10.0) : std::string();
  };
  cells.push_back(absl::StrFormat("%.1f", f.daily_average()));
  cells.push_back(
      percent(f.has_on_time_rate_permille(), f.on_time_rate_permille()));
  for (int64_t n : {f.returns(), f.reopens(), f.satisfied(),
                    f.basically_satisfied(), f.dissatisfied(), f.reports_owed(),
                    f.reports_given(), f.reports_missed()}) {
    cells.push_back(absl::StrCat(n));
  }
  cells.push_back(percent(f.has_report_compliance_permille(),
                          f.report_compliance_permille()));
  // Added with suspension and return review: at the end, so that columns
  // a reader picks by position keep their place.
  cells.push_back(absl::StrCat(f.suspended()));
  cells.push_back(absl::StrCat(f.refused_returns()));
  cells.push_back(absl::StrCat(f.closed_by_final_answer()));
  cells.push_back(absl::StrCat(f.merged()));
  // Assisting departments (协办).
  for (int64_t n : {f.assists(), f.assist_opinions(),
                    f.assist_opinions_on_time(), f.assist_overdue()}) {
    cells.push_back(absl::StrCat(n));
  }
  cells.push_back(percent(f.has_assist_on_time_rate_permille(),
                          f.assist_on_time_rate_permille()));
  for (int64_t n :
       {f.assists_returned(), f.assist_yellow_cards(), f.assist_red_cards()}) {
    cells.push_back(absl::StrCat(n));
  }
  // Replies sent back by the review (退回重办), in all and by reason.
  for (int64_t n :
       {f.replies_sent_back(), f.sent_back_nonstandard(),
        f.sent_back_unresolved(), f.sent_back_not_contacted(),
        f.sent_back_no_evidence(), f.sent_back_other(),
        // Urging notices (催办通知).
        f.notices(), f.notices_answered_on_time(), f.notices_overdue(),
        f.notices_escalated(),
        // Callbacks (回访) and appeals (申诉).
        f.callbacks_unreachable(), f.appeals(), f.appeals_upheld()}) {
    cells.push_back(absl::StrCat(n));
  }
  cells.push_back(percent(f.has_satisfaction_rate_permille(),
                          f.satisfaction_rate_permille()));
  return cells;
}

// A CSV field, quoted when it holds a comma, quote or line break. A cell a
// spreadsheet would evaluate as a formula (it starts with =, +, -, @, a tab
// or a carriage return: a topic like =HYPERLINK(...) typed by a caller) is
// neutralised as OWASP's CSV injection advice says: a leading apostrophe,
// and quoted. The figures themselves never start with one of these.
std::string CsvField(const std::string& text) {
  const bool formula =
      !text.empty() &&
      absl::string_view("=+-@\t\r").find(text[0]) != absl::string_view::npos;
  if (!formula && text.find_first_of(",\"\r\n") == std::string::npos) {
    return text;
  }
  return absl::StrCat("\"", formula ? "'" : "",
                      absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

// A department's assisting figures (协办), only when it has any, so that a
// period without them reads as it always has: ",协办N件,按时反馈率X%"
// with ",协办黄牌N件" / ",协办红牌N件" when such cards fell.
std::string AssistsZh(const v1::Figures& f) {
  if (f.assists() + f.assists_returned() == 0) return "";
  std::string text =
      absl::StrCat(",协办", f.assists(), "件,协办按时反馈率",
                   f.has_assist_on_time_rate_permille()
                       ? PermilleText(f.assist_on_time_rate_permille())
                       : "—");
  if (f.assist_yellow_cards() > 0) {
    absl::StrAppend(&text, ",协办黄牌", f.assist_yellow_cards(), "件");
  }
  if (f.assist_red_cards() > 0) {
    absl::StrAppend(&text, ",协办红牌", f.assist_red_cards(), "件");
  }
  return text;
}

// The tickets neither replied nor pending, each clause only when there are
// any, so that a period without them reads as it always has: ",挂起N件"
// (suspended, 挂起), ",以最终答复办结N件" (closed by a final answer),
// ",并单N件" (merged into a main ticket).
std::string NotPendingZh(const v1::Figures& f) {
  std::string text;
  if (f.suspended() > 0) absl::StrAppend(&text, ",挂起", f.suspended(), "件");
  if (f.closed_by_final_answer() > 0) {
    absl::StrAppend(&text, ",以最终答复办结", f.closed_by_final_answer(), "件");
  }
  if (f.merged() > 0) absl::StrAppend(&text, ",并单", f.merged(), "件");
  return text;
}

// The assisting figures (协办) in one line: parts, opinions on time of those
// due, the rate, returned parts, cards.
std::string AssistsLine(const v1::Figures& f) {
  return absl::StrCat(
      f.assists(), ", opinions on time ", f.assist_opinions_on_time(), " / ",
      f.assist_opinions() + f.assist_overdue(), " (",
      f.has_assist_on_time_rate_permille()
          ? PermilleText(f.assist_on_time_rate_permille())
          : "-",
      "), returned ", f.assists_returned(), ", cards ", f.assist_yellow_cards(),
      " yellow / ", f.assist_red_cards(), " red");
}

// A department's urging notices (催办通知), only when it has any:
// ",收到催办通知N件,按期反馈N件,逾期未反馈N件".
std::string NoticesZh(const v1::Figures& f) {
  if (f.notices() == 0) return "";
  return absl::StrCat(",收到催办通知", f.notices(), "件,按期反馈",
                      f.notices_answered_on_time(), "件,逾期未反馈",
                      f.notices_overdue(), "件");
}

// A department's callbacks closed as unreachable and appealed ratings,
// only when it has any: ",回访未果N件" and ",差评申诉N件,其中不合理差评N件".
std::string CallbacksZh(const v1::Figures& f) {
  std::string text;
  if (f.callbacks_unreachable() > 0) {
    absl::StrAppend(&text, ",回访未果", f.callbacks_unreachable(), "件");
  }
  if (f.appeals() > 0) {
    absl::StrAppend(&text, ",差评申诉", f.appeals(), "件,其中不合理差评",
                    f.appeals_upheld(), "件");
  }
  return text;
}

}  // namespace

std::string ChineseDate(absl::CivilDay day) {
  return absl::StrFormat("%d年%d月%d日", day.year(), day.month(), day.day());
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::vector<std::string> fields;
  for (const std::string& cell : cells) fields.push_back(CsvField(cell));
  return absl::StrCat(absl::StrJoin(fields, ","), "\n");
}

std::string FormatPermille(const v1::Figures& f, bool compliance) {
  if (compliance) {
    return f.has_report_compliance_permille()
               ? PermilleText(f.report_compliance_permille())
               : "-";
  }
  return f.has_on_time_rate_permille() ? PermilleText(f.on_time_rate_permille())
                                       : "-";
}

std::string ReportTable(const v1::Statistics& s, bool per_day) {
  const v1::Figures& t = s.total();
  absl::CivilDay to;
  absl::ParseCivilTime(s.to_date(), &to);
  std::string out = KeyValues({
      {"period",
       absl::StrCat(s.from_date(), " .. ", absl::FormatCivilTime(to - 1), " (",
                    s.days(), " days)")},
      {"as of", FormatTime(s.as_of())},
      {"scope", TheFilter(s)},
      {"received", absl::StrCat(t.received())},
      {"forwarded", absl::StrCat(t.forwarded())},
      {"replied", absl::StrCat(t.replied())},
      {"replied on time", absl::StrCat(t.replied_on_time())},
      {"pending, not overdue", absl::StrCat(t.pending_not_overdue())},
      {"pending, overdue", absl::StrCat(t.pending_overdue())},
      {"suspended", absl::StrCat(t.suspended())},
      {"closed by final answer", absl::StrCat(t.closed_by_final_answer())},
      {"merged", absl::StrCat(t.merged())},
      {"yellow cards", absl::StrCat(t.yellow_cards())},
      {"red cards", absl::StrCat(t.red_cards())},
      {"daily average", absl::StrFormat("%.1f", t.daily_average())},
      {"on-time rate", FormatPermille(t, false)},
      {"returns / reopens", absl::StrCat(t.returns(), " / ", t.reopens())},
      {"returns refused", absl::StrCat(t.refused_returns())},
      {"satisfied / basically / dissatisfied",
       absl::StrCat(t.satisfied(), " / ", t.basically_satisfied(), " / ",
                    t.dissatisfied())},
      {"daily reports given / owed",
       absl::StrCat(t.reports_given(), " / ", t.reports_owed(), " (",
                    FormatPermille(t, true), ")")},
      {"assisting parts (协办)", AssistsLine(t)},
  });
  Table departments({"DEPARTMENT", "RECEIVED", "FORWARDED", "REPLIED",
                     "ON TIME", "PENDING", "OVERDUE", "YELLOW", "RED",
                     "ON-TIME RATE", "REPORTS", "ASSISTS"});
  for (const auto& row : s.departments()) {
    const v1::Figures& f = row.figures();
    std::vector<std::string> cells = WithCounts({DepartmentLabel(row)}, f);
    cells.push_back(FormatPermille(f, false));
    cells.push_back(absl::StrCat(f.reports_given(), "/", f.reports_owed()));
    // 协办: parts, opinions on time / due, cards.
    cells.push_back(
        f.assists() + f.assists_returned() == 0
            ? "-"
            : absl::StrCat(f.assists(), " (", f.assist_opinions_on_time(), "/",
                           f.assist_opinions() + f.assist_overdue(),
                           f.assist_yellow_cards() + f.assist_red_cards() > 0
                               ? absl::StrCat(", ", f.assist_yellow_cards(),
                                              "Y", f.assist_red_cards(), "R")
                               : "",
                           ")"));
    departments.AddRow(std::move(cells));
  }
  absl::StrAppend(&out, "\n", departments.Render());
  if (s.top_topics_size() > 0) {
    Table topics({"TOPIC", "RECEIVED"});
    for (const auto& topic : s.top_topics()) {
      topics.AddRow({topic.topic(), absl::StrCat(topic.received())});
    }
    absl::StrAppend(&out, "\n", topics.Render());
  }
  if (per_day) {
    Table days({"DATE", "RECEIVED", "FORWARDED", "REPLIED", "ON TIME",
                "PENDING", "OVERDUE", "YELLOW", "RED"});
    for (const auto& day : s.per_day()) {
      days.AddRow(WithCounts({day.date()}, day.figures()));
    }
    absl::StrAppend(&out, "\n", days.Render());
  }
  return out;
}

std::string ReportCsv(const v1::Statistics& s) {
  std::string out = CsvLine({"scope",
                             "key",
                             "received",
                             "forwarded",
                             "replied",
                             "replied_on_time",
                             "pending_not_overdue",
                             "pending_overdue",
                             "yellow_cards",
                             "red_cards",
                             "daily_average",
                             "on_time_rate_percent",
                             "returns",
                             "reopens",
                             "satisfied",
                             "basically_satisfied",
                             "dissatisfied",
                             "reports_owed",
                             "reports_given",
                             "reports_missed",
                             "report_compliance_percent",
                             "suspended",
                             "refused_returns",
                             "closed_by_final_answer",
                             "merged",
                             "assists",
                             "assist_opinions",
                             "assist_opinions_on_time",
                             "assist_overdue",
                             "assist_on_time_rate_percent",
                             "assists_returned",
                             "assist_yellow_cards",
                             "assist_red_cards",
                             "replies_sent_back",
                             "sent_back_nonstandard",
                             "sent_back_unresolved",
                             "sent_back_not_contacted",
                             "sent_back_no_evidence",
                             "sent_back_other",
                             "notices",
                             "notices_answered_on_time",
                             "notices_overdue",
                             "notices_escalated",
                             "callbacks_unreachable",
                             "appeals",
                             "appeals_upheld",
                             "satisfaction_rate_percent"});
  absl::StrAppend(&out, CsvLine(CsvCells("total", TheFilter(s), s.total())));
  for (const auto& row : s.departments()) {
    absl::StrAppend(
        &out, CsvLine(CsvCells("department",
                               row.department().empty() ? "(not dispatched)"
                                                        : row.department(),
                               row.figures())));
  }
  for (const auto& day : s.per_day()) {
    absl::StrAppend(&out, CsvLine(CsvCells("day", day.date(), day.figures())));
  }
  for (const auto& topic : s.top_topics()) {
    v1::Figures f;
    f.set_received(topic.received());
    std::vector<std::string> cells = CsvCells("topic", topic.topic(), f);
    for (size_t i = 3; i < cells.size(); ++i) cells[i] = "";
    absl::StrAppend(&out, CsvLine(cells));
  }
  return out;
}

std::string ReportZh(const v1::Statistics& s) {
  const v1::Figures& t = s.total();
  absl::CivilDay from;
  absl::CivilDay to;
  absl::ParseCivilTime(s.from_date(), &from);
  absl::ParseCivilTime(s.to_date(), &to);
  std::vector<std::string> topics;
  for (const auto& topic : s.top_topics()) topics.push_back(topic.topic());
  std::string out =
      absl::StrCat(ChineseDate(from), "至", ChineseDate(to - 1),
                   ",收到市12345投诉举报平台转派工单", t.received(), "件,黄牌",
                   t.yellow_cards(), "件,红牌", t.red_cards(), "件,日均受理",
                   Decimal(t.daily_average()), "件");
  if (!topics.empty()) {
    absl::StrAppend(&out, ",主要涉及", absl::StrJoin(topics, "、"), "等问题");
  }
  absl::StrAppend(&out, "。已转相关职能部门调处", t.forwarded(),
                  "件,相关职能部门已处理回复", t.replied(), "件,未超期未回复",
                  t.pending_not_overdue(), "件", NotPendingZh(t),
                  t.refused_returns() > 0
                      ? absl::StrCat(",不当退单", t.refused_returns(), "件")
                      : "",
                  ",按时办结率为",
                  t.has_on_time_rate_permille()
                      ? PermilleText(t.on_time_rate_permille())
                      : "—(无到期工单)",
                  "。\n");
  for (const auto& row : s.departments()) {
    const v1::Figures& f = row.figures();
    absl::StrAppend(
        &out, DepartmentLabelZh(row), ":工单", f.received(), "件,已回复",
        f.replied(), "件,未超期未回复", f.pending_not_overdue(),
        "件,超期未回复", f.pending_overdue(), "件", NotPendingZh(f), ",黄牌",
        f.yellow_cards(), "件,红牌", f.red_cards(), "件",
        f.refused_returns() > 0
            ? absl::StrCat(",不当退单", f.refused_returns(), "件")
            : "",
        ",按时办结率",
        f.has_on_time_rate_permille() ? PermilleText(f.on_time_rate_permille())
                                      : "—",
        AssistsZh(f),
        f.replies_sent_back() > 0
            ? absl::StrCat(",答复被退回重办", f.replies_sent_back(), "件")
            : "",
        NoticesZh(f), CallbacksZh(f), "。\n");
  }
  return out;
}

}  // namespace hotline::cli
