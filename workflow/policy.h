// The deadline policy file: `key = value` lines, '#' comments. Every key but
// `version` may be left out to keep its default (docs/workflow.md, "The
// policy file"; after Guangdong's published limits):
//
//   version = gd-2021
//   ack_working_days = 1
//   reply_working_days.INQUIRY = 2
//   reply_working_days.HELP = 10
//   reply_working_days.SUGGESTION = 10
//   reply_working_days.COMPLAINT = 15
//   reply_working_days.REPORT = 15
//   reply_working_days.OTHER = 15
//   urgent_reply_clock_hours = 24
//   critical_reply_clock_hours = 2
//   urgent_ack_clock_minutes = 120
//   critical_ack_clock_minutes = 30
//   return_window_working_days = 1
//   extension_max_count = 3
//   extension_max_working_days = 10
//   warning_working_days = 1
//   clock_warning_percent = 75
//   red_card_working_days = 5
//
// An unknown key, a missing version, a value that is not a positive whole
// number (or a percentage outside 1..99) is refused with the line number.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_POLICY_H_
#define HOTLINE_WORKFLOW_POLICY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"

namespace hotline {

// The defaults, under version "default-1" (data/policy.conf says the same).
v1::Policy DefaultPolicy();

// Parses a policy file's text; `source` names it in error messages. The file
// itself is read in app/ (app/data_files.h, LoadPolicyFile): workflow/
// opens no files.
absl::StatusOr<v1::Policy> ParsePolicy(absl::string_view text,
                                       absl::string_view source);

// A policy recorded before a limit existed gets the limit's default (e.g.
// suspension_max_days 180, duplicate_window_days 30,
// assist_opinion_working_days 5, send_back_reply_working_days 5,
// notice_answer_working_days 1, notice_top_level 4, callback_max_attempts
// 3, appeal_working_days 3; no reply review, no urging by the policy, no
// reopen on a reasonable dissatisfied rating), which is what it
// meant.
void FillLaterLimits(v1::Policy& policy);

// True when the two policies set the same limits (ignoring effective_from
// and the calendar fields).
bool SameLimits(const v1::Policy& a, const v1::Policy& b);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_POLICY_H_
