// hotlinectl ticket ...: merged duplicates (并单), their suggestions
// (可能重复) and links between tickets (关联), the bureau's.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/cli_command.h"
#include "tools/resource_format.h"

namespace hotline::cli {
namespace {

int RunMerge(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::MergeTicketRequest request;
  request.set_name(TicketName(w[0]));
  request.set_main_ticket(args.Has("into") ? TicketName(args.Get("into")) : "");
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->MergeTicket(request));
}

int RunUnmerge(Context& c, const Args& args,
               const std::vector<std::string>& w) {
  v1::UnmergeTicketRequest request;
  request.set_name(TicketName(w[0]));
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->UnmergeTicket(request));
}

int RunLink(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::LinkTicketsRequest request;
  request.set_name(TicketName(w[0]));
  request.set_other_ticket(args.Has("to") ? TicketName(args.Get("to")) : "");
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->LinkTickets(request));
}

int RunUnlink(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::UnlinkTicketsRequest request;
  request.set_name(TicketName(w[0]));
  request.set_other_ticket(args.Has("from") ? TicketName(args.Get("from"))
                                            : "");
  request.set_reason(args.Get("reason"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->UnlinkTickets(request));
}

// "SAME_CALLER_PHONE" -> "phone".
std::string MatchWord(int match) {
  switch (match) {
    case v1::DuplicateCandidate::SAME_CALLER_PHONE:
      return "phone";
    case v1::DuplicateCandidate::SAME_ADDRESS:
      return "address";
    case v1::DuplicateCandidate::SAME_TOPIC:
      return "topic";
    default:
      return "?";
  }
}

int RunDuplicates(Context& c, const Args& args,
                  const std::vector<std::string>& w) {
  v1::ListDuplicateCandidatesRequest request;
  request.set_name(TicketName(w[0]));
  absl::StatusOr<int> limit = PageSize(args);
  if (!limit.ok()) return InputError(c, limit.status());
  request.set_page_size(*limit);
  return Print<v1::ListDuplicateCandidatesResponse>(
      c, c.client->ListDuplicateCandidates(request),
      [](const v1::ListDuplicateCandidatesResponse& r) {
        if (r.candidates().empty())
          return std::string("no likely duplicates\n");
        google::protobuf::RepeatedPtrField<v1::Ticket> tickets;
        std::string out = "matches of each, in the table's order:\n";
        for (const v1::DuplicateCandidate& candidate : r.candidates()) {
          *tickets.Add() = candidate.ticket();
          absl::StrAppend(&out, "  ", candidate.ticket().name(), ": ",
                          absl::StrJoin(candidate.matches(), ", ",
                                        [](std::string* o, int m) {
                                          o->append(MatchWord(m));
                                        }),
                          "\n");
        }
        return absl::StrCat(TicketTable(tickets), out);
      });
}

}  // namespace

void AddMergeCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"ticket merge",
       "merge a repeated ticket into its main ticket (并单) (bureau)",
       "ticket merge TICKET --into MAIN --reason TEXT [--etag E]",
       "Merges TICKET, which repeats the demand of MAIN, into it: TICKET "
       "leaves its department's queue, keeps no deadlines of its own, and "
       "follows MAIN (MAIN's reply, close and reopen are recorded on it) "
       "(bureau only).\nExample:\n  hotlinectl ticket merge 8 --into 7 "
       "--reason 同一诉求人重复来电",
       {"into", "reason", "etag"},
       {},
       1,
       1,
       RunMerge});
  commands->push_back(
      {"ticket unmerge",
       "take a merged ticket out of its main ticket (bureau)",
       "ticket unmerge TICKET --reason TEXT [--etag E]",
       "Takes a merged ticket out of its main: it goes back to the "
       "department it was merged from, with deadlines from now, or to the "
       "bureau's queue (bureau only).\nExample:\n  hotlinectl ticket "
       "unmerge 8 --reason 诉求不同",
       {"reason", "etag"},
       {},
       1,
       1,
       RunUnmerge});
  commands->push_back(
      {"ticket duplicates",
       "the likely duplicates of a ticket (可能重复) (bureau)",
       "ticket duplicates TICKET [--page_size N]",
       "Lists the tickets received within the policy's "
       "duplicate_window_days of TICKET with the same caller phone, the "
       "same address or the same topic, best first (bureau "
       "only).\nExample:\n  hotlinectl ticket duplicates 8",
       {"page_size"},
       {},
       1,
       1,
       RunDuplicates});
  commands->push_back(
      {"ticket link",
       "link two tickets (关联) (bureau)",
       "ticket link TICKET --to OTHER --reason TEXT [--etag E]",
       "Links two tickets that belong together (the same place, the same "
       "cause) without merging them; both show the link (bureau "
       "only).\nExample:\n  hotlinectl ticket link 9 --to 7 --reason "
       "同一路段积水",
       {"to", "reason", "etag"},
       {},
       1,
       1,
       RunLink});
  commands->push_back(
      {"ticket unlink",
       "remove the link between two tickets (bureau)",
       "ticket unlink TICKET --from OTHER [--reason TEXT] [--etag E]",
       "Removes the link between two tickets (bureau only).\nExample:\n  "
       "hotlinectl ticket unlink 9 --from 7",
       {"from", "reason", "etag"},
       {},
       1,
       1,
       RunUnlink});
}

}  // namespace hotline::cli
