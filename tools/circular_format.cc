#include "tools/circular_format.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"
#include "tools/report_format.h"

namespace hotline::cli {
namespace {

// "GD-1001《路灯不亮》", or the ticket's name when it cannot be read.
std::string TicketLabel(const std::string& ticket, const std::string& source_id,
                        const std::string& title) {
  if (source_id.empty() && title.empty()) return ticket;
  return absl::StrCat(source_id.empty() ? ticket : source_id, "《", title,
                      "》");
}

const char* LevelZh(v1::Notice::Level level) {
  switch (level) {
    case v1::Notice::SUPERVISION:
      return "督办";
    case v1::Notice::ESCALATED_SUPERVISION:
      return "提级督办";
    case v1::Notice::CIRCULATED_CRITICISM:
      return "通报批评";
    default:
      return "催办";
  }
}

std::string NoticeOutcomeZh(const v1::Notice& n) {
  switch (n.state()) {
    case v1::Notice::ESCALATED:
      return "未按期反馈,已升级";
    case v1::Notice::ANSWERED:
      return absl::StrCat("逾期反馈(", FormatTime(n.answer_time()), ")");
    default:
      return "未反馈";
  }
}

}  // namespace

std::string CircularZh(const Circular& c) {
  absl::CivilDay from;
  absl::CivilDay to;
  absl::ParseCivilTime(c.from_date, &from);
  absl::ParseCivilTime(c.to_date, &to);
  const std::string who =
      c.display_name.empty() ? ShortDepartment(c.department) : c.display_name;
  std::string out =
      absl::StrCat("关于", who, "逾期工单和催办未反馈情况的通报\n",
                   ChineseDate(from), "至", ChineseDate(to - 1), "\n");
  int yellow = 0;
  int red = 0;
  for (const CircularTicket& t : c.overdue) {
    for (const v1::Card& card : t.cards) {
      (card.color() == v1::Card::RED ? red : yellow) += 1;
    }
  }
  if (c.overdue.empty()) {
    absl::StrAppend(&out, "一、本期无逾期工单。\n");
  } else {
    absl::StrAppend(&out, "一、逾期工单", c.overdue.size(), "件(黄牌", yellow,
                    "张,红牌", red, "张):\n");
  }
  int i = 0;
  for (const CircularTicket& t : c.overdue) {
    std::string cards;
    for (const v1::Card& card : t.cards) {
      absl::StrAppend(&cards, cards.empty() ? "" : ",",
                      card.color() == v1::Card::RED ? "红牌" : "黄牌",
                      FormatTime(card.issue_time()));
    }
    absl::StrAppend(&out, "  ", ++i, ". ",
                    TicketLabel(t.ticket, t.source_id, t.title), " ", cards,
                    "\n");
  }
  if (c.unanswered.empty()) {
    absl::StrAppend(&out, "二、本期无未按期反馈的催办通知。\n");
  } else {
    absl::StrAppend(&out, "二、未按期反馈的催办、督办通知", c.unanswered.size(),
                    "件:\n");
  }
  i = 0;
  for (const CircularNotice& n : c.unanswered) {
    const std::string ticket =
        n.notice.name().substr(0, n.notice.name().find("/notices/"));
    absl::StrAppend(&out, "  ", ++i, ". ",
                    TicketLabel(ticket, n.source_id, n.title), " ",
                    LevelZh(n.notice.level()), "通知(第", n.notice.number(),
                    "号),应于", FormatDeadline(n.notice.answer_due_at()),
                    "前反馈,", NoticeOutcomeZh(n.notice), "\n");
  }
  return out;
}

std::string CircularCsv(const Circular& c) {
  std::string out = CsvLine({"kind", "ticket", "source_id", "title", "item",
                             "level_or_color", "time", "state"});
  for (const CircularTicket& t : c.overdue) {
    for (const v1::Card& card : t.cards) {
      absl::StrAppend(
          &out, CsvLine({"card", t.ticket, t.source_id, t.title, card.name(),
                         v1::Card::Color_Name(card.color()),
                         FormatTime(card.issue_time()), card.reason()}));
    }
  }
  for (const CircularNotice& n : c.unanswered) {
    const std::string ticket =
        n.notice.name().substr(0, n.notice.name().find("/notices/"));
    absl::StrAppend(
        &out, CsvLine({"notice", ticket, n.source_id, n.title, n.notice.name(),
                       v1::Notice::Level_Name(n.notice.level()),
                       FormatDeadline(n.notice.answer_due_at()),
                       v1::Notice::State_Name(n.notice.state())}));
  }
  return out;
}

}  // namespace hotline::cli
