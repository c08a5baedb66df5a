#include "workflow/notification_text.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/json_string.h"
#include "common/proto_time.h"

namespace hotline {
namespace {

// "12月7日17:00".
std::string ShortTime(const google::protobuf::Timestamp& time,
                      absl::TimeZone zone) {
  const absl::CivilSecond at = zone.At(FromProtoTime(time)).cs;
  return absl::StrFormat("%d月%d日%02d:%02d", at.month(), at.day(), at.hour(),
                         at.minute());
}

std::string TicketNumber(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  return std::string(parts.size() > 1 ? parts[1] : name);
}

std::string NoticeLevelName(v1::Notice::Level level) {
  switch (level) {
    case v1::Notice::URGING:
      return "催办";
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

const v1::Notice* NoticeNamed(const v1::Ticket& ticket,
                              absl::string_view name) {
  for (const v1::Notice& notice : ticket.notices()) {
    if (notice.name() == name) return &notice;
  }
  return nullptr;
}

}  // namespace

std::string SmsText(const v1::Event& event, const v1::Ticket& ticket,
                    absl::string_view department_display_name,
                    absl::TimeZone zone, absl::string_view signature) {
  const std::string head =
      absl::StrCat("【", signature, "】", department_display_name, ":");
  const std::string number = TicketNumber(event.ticket());
  switch (event.type()) {
    case v1::Event::DISPATCHED:
      if (ticket.has_ack_due_at()) {
        return absl::StrCat(head, "您有新工单 工单号", number, ",请于",
                            ShortTime(ticket.ack_due_at(), zone), "前签收");
      }
      return absl::StrCat(head, "您有新工单 工单号", number, ",请及时签收");
    case v1::Event::DUE_SOON:
      if (ticket.has_reply_due_at()) {
        return absl::StrCat(head, "工单", number, "将于",
                            ShortTime(ticket.reply_due_at(), zone),
                            "到期,请抓紧办理并答复");
      }
      return absl::StrCat(head, "工单", number, "即将到期,请抓紧办理并答复");
    case v1::Event::ACK_OVERDUE:
      return absl::StrCat(head, "工单", number, "已超过签收时限,请立即签收");
    case v1::Event::CARD_ISSUED:
      return absl::StrCat(head, "工单", number, "已超期,被亮",
                          event.card_color() == v1::Card::RED ? "红牌" : "黄牌",
                          ",请立即办理");
    case v1::Event::NOTICE_ISSUED: {
      const v1::Notice* notice = NoticeNamed(ticket, event.notice());
      std::string text =
          absl::StrCat(head, "工单", number, "收到",
                       NoticeLevelName(event.notice_level()), "通知");
      if (notice != nullptr && notice->has_answer_due_at()) {
        absl::StrAppend(&text, ",请于",
                        ShortTime(notice->answer_due_at(), zone), "前反馈");
      } else {
        absl::StrAppend(&text, ",请及时反馈");
      }
      return text;
    }
    case v1::Event::REPLY_SENT_BACK:
      return absl::StrCat(head, "工单", number, "的答复被退回重办,请重新办理");
    case v1::Event::RETURN_REFUSED:
      return absl::StrCat(head, "工单", number, "退单未获同意,请继续办理");
    case v1::Event::ATTACHMENT_ADDED:
      return absl::StrCat(head, "工单", number, "新增附件,请查看");
    case v1::Event::DAILY_REPORT_MISSED:
      return absl::StrCat(head, "工单", number, "缺报", event.report_date(),
                          "的一日一报,请及时报送");
    default:
      return absl::StrCat(head, "工单", number, "有新动态(",
                          v1::Event::Type_Name(event.type()), ")");
  }
}

namespace {

// Escaped for the inside of a JSON string (JsonString without its quotes).
std::string JsonEscaped(absl::string_view text) {
  const std::string quoted = JsonString(text);
  return quoted.substr(1, quoted.size() - 2);
}

std::string PercentEncoded(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out += c;
    } else {
      absl::StrAppendFormat(&out, "%%%02X",
                            static_cast<int>(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace

std::string FillTemplate(
    absl::string_view body,
    const std::vector<std::pair<std::string, std::string>>& values,
    absl::string_view content_type) {
  const absl::string_view type = content_type.substr(0, content_type.find(';'));
  std::vector<std::pair<std::string, std::string>> replacements;
  for (const auto& [name, value] : values) {
    std::string escaped = value;
    if (absl::EqualsIgnoreCase(type, "application/json")) {
      escaped = JsonEscaped(value);
    } else if (absl::EqualsIgnoreCase(type,
                                      "application/x-www-form-urlencoded")) {
      escaped = PercentEncoded(value);
    }
    replacements.emplace_back(absl::StrCat("{{", name, "}}"), escaped);
  }
  return absl::StrReplaceAll(body, replacements);
}

}  // namespace hotline
