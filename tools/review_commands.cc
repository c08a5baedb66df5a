// hotlinectl ticket ...: the bureau's review of returns (退单审核) and of
// replies (办结审核), the suspension of a ticket's time limit (挂起) and
// final answers (最终答复).
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
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

int RunFinalAnswer(Context& c, const Args& args,
                   const std::vector<std::string>& w) {
  v1::SubmitFinalAnswerRequest request;
  request.set_name(TicketName(w[0]));
  request.set_answer(args.Get("answer"));
  request.set_basis(args.Get("basis"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->SubmitFinalAnswer(request));
}

int RunApproveFinalAnswer(Context& c, const Args& args,
                          const std::vector<std::string>& w) {
  v1::ApproveFinalAnswerRequest request;
  request.set_name(TicketName(w[0]));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->ApproveFinalAnswer(request));
}

int RunRejectFinalAnswer(Context& c, const Args& args,
                         const std::vector<std::string>& w) {
  v1::RejectFinalAnswerRequest request;
  request.set_name(TicketName(w[0]));
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->RejectFinalAnswer(request));
}

int RunCloseByFinalAnswer(Context& c, const Args& args,
                          const std::vector<std::string>& w) {
  v1::CloseByFinalAnswerRequest request;
  request.set_name(TicketName(w[0]));
  request.set_final_answer_ticket(
      args.Has("answered_by") ? TicketName(args.Get("answered_by")) : "");
  request.set_note(args.Get("note"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->CloseByFinalAnswer(request));
}

int RunAcceptReply(Context& c, const Args& args,
                   const std::vector<std::string>& w) {
  v1::AcceptReplyRequest request;
  request.set_name(TicketName(w[0]));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->AcceptReply(request));
}

int RunSendBack(Context& c, const Args& args,
                const std::vector<std::string>& w) {
  v1::SendBackReplyRequest request;
  request.set_name(TicketName(w[0]));
  for (absl::string_view part :
       absl::StrSplit(args.Get("reasons"), ',', absl::SkipWhitespace())) {
    absl::StatusOr<v1::SendBackReason> reason = ParseEnum<v1::SendBackReason>(
        "reasons", std::string(part), &v1::SendBackReason_Parse,
        "nonstandard_reply, demand_unresolved, caller_not_contacted, "
        "insufficient_evidence, other_send_back_reason");
    if (!reason.ok()) return InputError(c, reason.status());
    request.add_reasons(*reason);
  }
  request.set_note(args.Get("note"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->SendBackReply(request));
}

}  // namespace

void AddReviewCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"ticket accept-reply",
       "accept a reply that waits for review (办结审核) (bureau)",
       "ticket accept-reply TICKET [--etag E]",
       "Accepts the department's reply when the policy reviews replies; "
       "the ticket goes on to the callback and close (bureau "
       "only).\nExample:\n  hotlinectl ticket accept-reply 7",
       {"etag"},
       {},
       1,
       1,
       RunAcceptReply});
  commands->push_back(
      {"ticket send-back",
       "send a reply back to the department (退回重办) (bureau)",
       "ticket send-back TICKET --reasons R1,R2 [--note TEXT] [--etag E]",
       "Sends a reply that waits for review back to its department, which "
       "gets the policy's send_back_reply_working_days for a new reply "
       "(bureau only). Reasons: nonstandard_reply (答复不规范), "
       "demand_unresolved (诉求未解决), caller_not_contacted (未联系诉求人), "
       "insufficient_evidence (佐证不足), other_send_back_reason "
       "(其他).\nExample:\n  hotlinectl ticket send-back 7 --reasons "
       "caller_not_contacted --note 请联系诉求人",
       {"reasons", "note", "etag"},
       {},
       1,
       1,
       RunSendBack});
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
  commands->push_back(
      {"ticket final-answer",
       "give the final answer (最终答复) to a demand (department)",
       "ticket final-answer TICKET --answer TEXT --basis TEXT [--etag E]",
       "Gives the final answer (最终答复) to the demand of a ticket you hold "
       "(in progress or replied), with its basis, for the bureau to "
       "approve.\nExample:\n  hotlinectl ticket final-answer 7 --answer "
       "该诉求已依法答复完毕 --basis 《信访工作条例》第三十五条",
       {"answer", "basis", "etag"},
       {},
       1,
       1,
       RunFinalAnswer});
  commands->push_back(
      {"ticket approve-final-answer",
       "approve the final answer waiting on a ticket (bureau)",
       "ticket approve-final-answer TICKET [--etag E]",
       "Approves the final answer (最终答复) waiting on a ticket (bureau "
       "only).\nExample:\n  hotlinectl ticket approve-final-answer 7",
       {"etag"},
       {},
       1,
       1,
       RunApproveFinalAnswer});
  commands->push_back(
      {"ticket reject-final-answer",
       "reject the final answer waiting on a ticket (bureau)",
       "ticket reject-final-answer TICKET --reason TEXT [--etag E]",
       "Rejects the final answer waiting on a ticket (bureau only); the "
       "department may give another.\nExample:\n  hotlinectl ticket "
       "reject-final-answer 7 --reason 依据不充分",
       {"reason", "etag"},
       {},
       1,
       1,
       RunRejectFinalAnswer});
  commands->push_back(
      {"ticket close-by-final-answer",
       "close a repeat of an answered demand (bureau)",
       "ticket close-by-final-answer TICKET --answered_by TICKET2 [--note "
       "TEXT] [--etag E]",
       "Closes a ticket not dispatched yet (RECEIVED or RETURNED) whose "
       "caller's demand the approved final answer on TICKET2 already "
       "answered, without a new dispatch (bureau only; the caller phones "
       "must match).\nExample:\n  hotlinectl ticket close-by-final-answer 12 "
       "--answered_by 7",
       {"answered_by", "note", "etag"},
       {},
       1,
       1,
       RunCloseByFinalAnswer});
}

}  // namespace hotline::cli
