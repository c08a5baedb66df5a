// The short Chinese text an SMS notification carries (短信通知), made from
// one event and its ticket as they are now:
//
//   【12345】县住建局:您有新工单 工单号7,请于12月7日17:00前签收
//
// Pure; thread-safe.
#ifndef HOTLINE_WORKFLOW_NOTIFICATION_TEXT_H_
#define HOTLINE_WORKFLOW_NOTIFICATION_TEXT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"

namespace hotline {

// The text for `event` of `ticket`, addressed to `department_display_name`
// (the department's 显示名称, or its id when it has none), with times in
// `zone`, signed 【signature】. Events with their own words: DISPATCHED
// (sign for by the ticket's ack deadline), DUE_SOON (the reply deadline),
// ACK_OVERDUE, CARD_ISSUED (yellow or red), NOTICE_ISSUED (urging or
// supervision, answer by its deadline), REPLY_SENT_BACK, RETURN_REFUSED,
// ATTACHMENT_ADDED, DAILY_REPORT_MISSED; any other names the event's type.
// At most about 70 characters (one SMS) for the worded ones.
std::string SmsText(const v1::Event& event, const v1::Ticket& ticket,
                    absl::string_view department_display_name,
                    absl::TimeZone zone, absl::string_view signature);

// `body` with each {{name}} of `values` replaced by its value, escaped for
// a body of `content_type`: JSON string escapes for application/json,
// percent-encoding for application/x-www-form-urlencoded, as it is for any
// other type. Unknown placeholders stay as they are.
std::string FillTemplate(
    absl::string_view body,
    const std::vector<std::pair<std::string, std::string>>& values,
    absl::string_view content_type);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_NOTIFICATION_TEXT_H_
