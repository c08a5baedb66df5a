// hotlinectl ticket urge / notice-ack / notice-answer and notice list:
// urging notices (催办通知) and supervision (督办).
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"

namespace hotline::cli {
namespace {

// "tickets/7/notices/2" from TICKET and NOTICE ("7" or "tickets/7", and
// "2"), or NOTICE alone when it is a whole name.
std::string NoticeName(const std::vector<std::string>& w) {
  if (w.size() == 1) return w[0];
  return absl::StrCat(TicketName(w[0]), "/notices/", w[1]);
}

// --level, LEVEL_UNSPECIFIED when not given.
absl::StatusOr<v1::Notice::Level> LevelOption(const Args& args) {
  if (!args.Has("level")) return v1::Notice::LEVEL_UNSPECIFIED;
  return ParseEnum<v1::Notice::Level>(
      "level", args.Get("level"), &v1::Notice::Level_Parse,
      "urging, supervision, escalated_supervision, circulated_criticism");
}

int RunUrge(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::IssueNoticeRequest request;
  request.set_name(TicketName(w[0]));
  absl::StatusOr<v1::Notice::Level> level = LevelOption(args);
  if (!level.ok()) return InputError(c, level.status());
  request.set_level(*level);
  request.set_reason(args.Get("reason"));
  request.set_copy_to(args.Get("copy_to"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->IssueNotice(request));
}

int RunNoticeAck(Context& c, const Args& args,
                 const std::vector<std::string>& w) {
  v1::AcknowledgeNoticeRequest request;
  request.set_name(NoticeName(w));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->AcknowledgeNotice(request));
}

int RunNoticeAnswer(Context& c, const Args& args,
                    const std::vector<std::string>& w) {
  v1::AnswerNoticeRequest request;
  request.set_name(NoticeName(w));
  request.set_answer(args.Get("answer"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->AnswerNotice(request));
}

int RunNoticeList(Context& c, const Args& args,
                  const std::vector<std::string>&) {
  v1::ListNoticesRequest request;
  if (args.Has("department")) {
    request.set_department(DepartmentName(args.Get("department")));
  }
  if (args.Has("ticket")) request.set_ticket(TicketName(args.Get("ticket")));
  for (absl::string_view part :
       absl::StrSplit(args.Get("state"), ',', absl::SkipWhitespace())) {
    auto state = ParseEnum<v1::Notice::State>(
        "state", std::string(part), &v1::Notice::State_Parse,
        "issued, acknowledged, answered, escalated, unanswered, lapsed");
    if (!state.ok()) return InputError(c, state.status());
    request.add_states(*state);
  }
  absl::StatusOr<v1::Notice::Level> level = LevelOption(args);
  if (!level.ok()) return InputError(c, level.status());
  request.set_level(*level);
  for (const std::string option : {"due_from", "due_to"}) {
    if (!args.Has(option)) continue;
    auto time = ParseTimeOption(option, args.Get(option));
    if (!time.ok()) return InputError(c, time.status());
    auto* field = option == "due_from" ? request.mutable_due_from()
                                       : request.mutable_due_to();
    field->set_seconds(absl::ToUnixSeconds(*time));
  }
  if (absl::Status size = PageSize(args).status(); !size.ok()) {
    return InputError(c, size);
  }
  absl::StatusOr<v1::ListNoticesResponse> all =
      ReadPages<v1::ListNoticesResponse>(
          args, request, [&c](const v1::ListNoticesRequest& page) {
            return c.client->ListNotices(page);
          });
  if (!all.ok()) return Fail(all.status());
  if (c.json) {
    std::cout << ToJson(*all);
    return 0;
  }
  Table table({"NOTICE", "LEVEL", "STATE", "DEPARTMENT", "ISSUED", "ANSWER DUE",
               "OVERDUE"});
  for (const v1::Notice& n : all->notices()) {
    table.AddRow({n.name(), v1::Notice::Level_Name(n.level()),
                  v1::Notice::State_Name(n.state()),
                  ShortDepartment(n.department()), FormatTime(n.issue_time()),
                  FormatDeadline(n.answer_due_at()), n.overdue() ? "yes" : ""});
  }
  std::cout << table.Render() << MorePagesLine(all->next_page_token());
  return 0;
}

}  // namespace

void AddNoticeCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"ticket urge",
       "issue an urging notice (催办, 督办) to the department (bureau)",
       "ticket urge TICKET --reason TEXT [--level L] [--copy_to WHO] "
       "[--etag E]",
       "Issues an urging notice (催办通知) to the department holding a "
       "DISPATCHED or IN_PROGRESS ticket; it must sign for it and answer "
       "(反馈) within the policy's notice_answer_working_days, or the "
       "notice escalates a level. Levels: urging (催办, the default), "
       "supervision (督办), escalated_supervision (提级督办), "
       "circulated_criticism (通报批评); a higher level replaces an open "
       "notice. --copy_to names who else gets it (抄送) (bureau "
       "only).\nExample:\n  hotlinectl ticket urge 7 --reason "
       "群众多次来电催促 --copy_to 分管副局长",
       {"reason", "level", "copy_to", "etag"},
       {},
       1,
       1,
       RunUrge});
  commands->push_back(
      {"ticket notice-ack",
       "sign for an urging notice (department)",
       "ticket notice-ack TICKET NUMBER [--etag E]",
       "Signs for notice NUMBER of a ticket your department holds (also "
       "given whole: tickets/7/notices/1).\nExample:\n  hotlinectl ticket "
       "notice-ack 7 1",
       {"etag"},
       {},
       1,
       2,
       RunNoticeAck});
  commands->push_back(
      {"ticket notice-answer",
       "answer an urging notice (反馈) (department)",
       "ticket notice-answer TICKET NUMBER --answer TEXT [--etag E]",
       "Answers (反馈) notice NUMBER of a ticket your department holds, "
       "after signing for it.\nExample:\n  hotlinectl ticket notice-answer "
       "7 1 --answer 已安排人员现场处理",
       {"answer", "etag"},
       {},
       1,
       2,
       RunNoticeAnswer});
  commands->push_back(
      {"notice list",
       "list urging notices (催办通知)",
       "notice list [--department D] [--ticket T] [--state S1,S2] "
       "[--level L] [--due_from TIME] [--due_to TIME] [--all]",
       "Lists urging notices: the bureau all, a department those addressed "
       "to it. --state filters by state (issued, acknowledged, answered, "
       "escalated, unanswered, lapsed); --due_from/--due_to by the answer "
       "deadline.\nExample:\n  hotlinectl notice list --department housing "
       "--state issued,acknowledged",
       {"department", "ticket", "state", "level", "due_from", "due_to",
        "page_size", "page_token"},
       {"all"},
       0,
       0,
       RunNoticeList});
}

}  // namespace hotline::cli
