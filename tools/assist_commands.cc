// hotlinectl ticket ...: assisting departments (协办): the bureau adds and
// removes them; an assisting department signs for, returns and answers
// its own part.
#include <string>
#include <vector>

#include "tools/cli_command.h"
#include "tools/resource_format.h"

namespace hotline::cli {
namespace {

int RunAddAssist(Context& c, const Args& args,
                 const std::vector<std::string>& w) {
  v1::AddAssistingDepartmentRequest request;
  request.set_name(TicketName(w[0]));
  request.set_department(DepartmentName(w[1]));
  request.set_note(args.Get("note"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->AddAssistingDepartment(request));
}

int RunRemoveAssist(Context& c, const Args& args,
                    const std::vector<std::string>& w) {
  v1::RemoveAssistingDepartmentRequest request;
  request.set_name(TicketName(w[0]));
  request.set_department(DepartmentName(w[1]));
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->RemoveAssistingDepartment(request));
}

int RunAssistAck(Context& c, const Args& args,
                 const std::vector<std::string>& w) {
  v1::AcknowledgeAssistRequest request;
  request.set_name(TicketName(w[0]));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->AcknowledgeAssist(request));
}

int RunAssistReturn(Context& c, const Args& args,
                    const std::vector<std::string>& w) {
  v1::ReturnAssistRequest request;
  request.set_name(TicketName(w[0]));
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->ReturnAssist(request));
}

int RunAssistOpinion(Context& c, const Args& args,
                     const std::vector<std::string>& w) {
  v1::SubmitAssistOpinionRequest request;
  request.set_name(TicketName(w[0]));
  request.set_opinion(args.Get("text"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->SubmitAssistOpinion(request));
}

}  // namespace

void AddAssistCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"ticket add-assist",
       "ask another department to assist (协办) with a ticket (bureau)",
       "ticket add-assist TICKET DEPARTMENT [--note TEXT] [--etag E]",
       "Adds DEPARTMENT as an assisting department (协办) of an open ticket: "
       "it signs for its part and gives its opinion to the lead department "
       "(主办), which alone replies (bureau only).\nExample:\n  hotlinectl "
       "ticket add-assist 7 transport --note 涉及道路占用",
       {"note", "etag"},
       {},
       2,
       2,
       RunAddAssist});
  commands->push_back(
      {"ticket remove-assist",
       "remove an assisting department from a ticket (bureau)",
       "ticket remove-assist TICKET DEPARTMENT --reason TEXT [--etag E]",
       "Removes an assisting department (协办) from a ticket; not one whose "
       "opinion the lead's reply rests on (bureau only).\nExample:\n  "
       "hotlinectl ticket remove-assist 7 transport --reason 无需协办",
       {"reason", "etag"},
       {},
       2,
       2,
       RunRemoveAssist});
  commands->push_back(
      {"ticket assist-ack",
       "sign for (签收) your assisting part of a ticket (department)",
       "ticket assist-ack TICKET [--etag E]",
       "Signs for the assisting part (协办) of your department; the "
       "opinion is then due within the policy's "
       "assist_opinion_working_days.\nExample:\n  hotlinectl ticket "
       "assist-ack 7",
       {"etag"},
       {},
       1,
       1,
       RunAssistAck});
  commands->push_back(
      {"ticket assist-return",
       "return (退回) your assisting part as not yours (department)",
       "ticket assist-return TICKET --reason TEXT [--etag E]",
       "Returns your department's assisting part within its return "
       "window.\nExample:\n  hotlinectl ticket assist-return 7 --reason "
       "非本单位职责",
       {"reason", "etag"},
       {},
       1,
       1,
       RunAssistReturn});
  commands->push_back(
      {"ticket assist-opinion",
       "give your assisting opinion (协办意见) to the lead (department)",
       "ticket assist-opinion TICKET --text TEXT [--etag E]",
       "Gives your department's assisting opinion (协办意见) on a ticket "
       "whose part it signed for.\nExample:\n  hotlinectl ticket "
       "assist-opinion 7 --text 已安排夜间巡查",
       {"text", "etag"},
       {},
       1,
       1,
       RunAssistOpinion});
}

}  // namespace hotline::cli
