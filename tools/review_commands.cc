// hotlinectl ticket ...: the bureau's review of returns (退单审核) and the
// suspension of a ticket's time limit (挂起).
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tools/cli_command.h"

namespace hotline::cli {
namespace {

int RunRefuseReturn(Context& c, const Args& args,
                    const std::vector<std::string>& w) {
  v1::RefuseReturnRequest request;
  request.set_name(TicketName(w[0]));
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->RefuseReturn(request));
}

int RunSuspend(Context& c, const Args& args,
               const std::vector<std::string>& w) {
  v1::RequestSuspensionRequest request;
  request.set_name(TicketName(w[0]));
  if (args.Has("until")) {
    absl::StatusOr<absl::Time> until =
        ParseTimeOption("until", args.Get("until"));
    if (!until.ok()) return InputError(c, until.status());
    request.mutable_expected_end()->set_seconds(absl::ToUnixSeconds(*until));
  }
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->RequestSuspension(request));
}

int RunApproveSuspension(Context& c, const Args& args,
                         const std::vector<std::string>& w) {
  v1::ApproveSuspensionRequest request;
  request.set_name(TicketName(w[0]));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->ApproveSuspension(request));
}

int RunRejectSuspension(Context& c, const Args& args,
                        const std::vector<std::string>& w) {
  v1::RejectSuspensionRequest request;
  request.set_name(TicketName(w[0]));
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->RejectSuspension(request));
}

int RunResume(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::ResumeTicketRequest request;
  request.set_name(TicketName(w[0]));
  request.set_note(args.Get("note"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->ResumeTicket(request));
}

}  // namespace

void AddReviewCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"ticket refuse-return",
       "refuse a department's return (不当退单) (bureau)",
       "ticket refuse-return TICKET --reason TEXT [--etag E]",
       "Refuses the return (退单) of a RETURNED ticket: it goes back to the "
       "department that returned it, with the deadlines of its first "
       "dispatch still running (bureau only). To accept a return, dispatch "
       "the ticket to another department.\nExample:\n  hotlinectl ticket "
       "refuse-return 7 --reason 属于本单位职责",
       {"reason", "etag"},
       {},
       1,
       1,
       RunRefuseReturn});
  commands->push_back(
      {"ticket suspend",
       "ask to suspend a ticket's time limit (挂起) (department)",
       "ticket suspend TICKET --until TIME --reason TEXT [--etag E]",
       "Asks the bureau to stop the time limit (挂起) of a ticket you have "
       "signed for, until TIME (RFC 3339; at most the policy's "
       "suspension_max_days ahead). Nothing stops until the bureau "
       "approves.\nExample:\n  hotlinectl ticket suspend 7 --until "
       "2021-06-30T00:00:00+08:00 --reason 等待法院判决",
       {"until", "reason", "etag"},
       {},
       1,
       1,
       RunSuspend});
  commands->push_back(
      {"ticket approve-suspension",
       "approve the pending suspension (bureau)",
       "ticket approve-suspension TICKET [--etag E]",
       "Approves the pending suspension: the ticket is SUSPENDED until the "
       "requested end, or until it is resumed (bureau only).\nExample:\n  "
       "hotlinectl ticket approve-suspension 7",
       {"etag"},
       {},
       1,
       1,
       RunApproveSuspension});
  commands->push_back(
      {"ticket reject-suspension",
       "reject the pending suspension (bureau)",
       "ticket reject-suspension TICKET --reason TEXT [--etag E]",
       "Rejects the pending suspension (bureau only).\nExample:\n  "
       "hotlinectl ticket reject-suspension 7 --reason 不属于长周期事项",
       {"reason", "etag"},
       {},
       1,
       1,
       RunRejectSuspension});
  commands->push_back(
      {"ticket resume",
       "end a suspension early (department, bureau)",
       "ticket resume TICKET [--note TEXT] [--etag E]",
       "Ends the suspension of a SUSPENDED ticket before its approved end "
       "(the server ends it at that end by itself). Every deadline that "
       "was still pending keeps the working days it had left.\nExample:\n  "
       "hotlinectl ticket resume 7 --note 判决已下达",
       {"note", "etag"},
       {},
       1,
       1,
       RunResume});
}

}  // namespace hotline::cli
