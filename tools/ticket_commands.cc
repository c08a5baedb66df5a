// hotlinectl ticket ...: the ticket lifecycle, extensions and history.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tools/cli_command.h"
#include "tools/resource_format.h"

namespace hotline::cli {
namespace {

int RunTicketCreate(Context& context, const Args& args,
                    const std::vector<std::string>&) {
  v1::CreateTicketRequest request;
  v1::Ticket& ticket = *request.mutable_ticket();
  absl::StatusOr<v1::Ticket::Type> type = ParseEnum<v1::Ticket::Type>(
      "type", args.Get("type"), &v1::Ticket::Type_Parse,
      "inquiry, help, suggestion, complaint, "
      "report, other");
  if (!type.ok()) return InputError(context, type.status());
  ticket.set_type(*type);
  if (args.Has("urgency")) {
    absl::StatusOr<v1::Ticket::Urgency> urgency =
        ParseEnum<v1::Ticket::Urgency>("urgency", args.Get("urgency"),
                                       &v1::Ticket::Urgency_Parse,
                                       "normal, urgent, critical");
    if (!urgency.ok()) return InputError(context, urgency.status());
    ticket.set_urgency(*urgency);
  }
  ticket.set_topic(args.Get("topic"));
  ticket.set_title(args.Get("title"));
  ticket.set_content(args.Get("content"));
  ticket.set_address(args.Get("address"));
  ticket.set_category(args.Get("category"));
  ticket.set_caller_name(args.Get("caller"));
  ticket.set_caller_phone(args.Get("phone"));
  ticket.set_confidential(args.Has("confidential"));
  ticket.set_source_id(args.Get("source_id"));
  ticket.set_duplicate_of_source_id(args.Get("duplicate_of"));
  if (args.Has("received_at")) {
    absl::StatusOr<absl::Time> received =
        ParseTimeOption("received_at", args.Get("received_at"));
    if (!received.ok()) return InputError(context, received.status());
    ticket.mutable_received_at()->set_seconds(absl::ToUnixSeconds(*received));
  }
  if (args.Has("dispatch_to")) {
    request.set_dispatch_to(DepartmentName(args.Get("dispatch_to")));
  }
  for (const std::string& department : AssistList(args)) {
    request.add_assisting_departments(department);
  }
  request.set_request_id(args.Get("request_id"));
  return PrintTicket(context, context.client->CreateTicket(request));
}

int RunTicketList(Context& context, const Args& args,
                  const std::vector<std::string>&) {
  absl::StatusOr<int> page_size = PageSize(args);
  if (!page_size.ok()) return InputError(context, page_size.status());
  v1::ListTicketsRequest request;
  request.set_filter(args.Get("filter"));
  request.set_page_size(*page_size);
  request.set_page_token(args.Get("page_token"));
  v1::ListTicketsResponse all;
  // --all follows next_page_token to the end.
  while (true) {
    absl::StatusOr<v1::ListTicketsResponse> page =
        context.client->ListTickets(request);
    if (!page.ok()) return Fail(page.status());
    for (v1::Ticket& t : *page->mutable_tickets()) {
      *all.add_tickets() = std::move(t);
    }
    all.set_next_page_token(page->next_page_token());
    if (!args.Has("all") || page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  if (context.json) {
    std::cout << ToJson(all);
    return 0;
  }
  std::cout << TicketTable(all.tickets());
  if (!all.next_page_token().empty()) {
    std::cout << "(more: --page_token " << all.next_page_token()
              << ", or --all)\n";
  }
  return 0;
}

int RunTicketEvents(Context& context, const Args& args,
                    const std::vector<std::string>& words) {
  v1::ListTicketEventsRequest request;
  request.set_parent(TicketName(words[0]));
  request.set_page_size(500);
  v1::ListTicketEventsResponse all;
  while (true) {
    absl::StatusOr<v1::ListTicketEventsResponse> page =
        context.client->ListTicketEvents(request);
    if (!page.ok()) return Fail(page.status());
    for (v1::Event& e : *page->mutable_events()) {
      *all.add_events() = std::move(e);
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  (void)args;
  if (context.json) {
    std::cout << ToJson(all);
    return 0;
  }
  Table table(
      {"SEQ", "TIME", "EVENT", "ACTOR", "STATE", "DEPARTMENT", "DETAILS"});
  for (const v1::Event& e : all.events()) {
    std::string details = e.reason();
    if (!e.reply_text().empty()) {
      details = e.outcome()
                    ? absl::StrCat(v1::Ticket::Outcome_Name(e.outcome()), ": ",
                                   e.reply_text())
                    : e.reply_text();
    }
    if (!e.final_answer_ticket().empty()) {
      details = absl::StrCat("final answer of ", e.final_answer_ticket(), " ",
                             e.reason());
    }
    if (e.satisfaction()) {
      details = v1::Ticket::Satisfaction_Name(e.satisfaction());
    }
    if (e.card_color()) {
      details = absl::StrCat(v1::Card::Color_Name(e.card_color()), " ",
                             e.card(), ": ", e.reason());
    }
    if (e.extension_working_days() > 0) {
      details = absl::StrCat(e.extension_working_days(), " working days ",
                             e.reason());
    }
    if (e.has_suspension_end()) {
      details = absl::StrCat("until ", FormatTime(e.suspension_end()), " ",
                             e.reason());
    }
    table.AddRow(
        {absl::StrCat(e.seq()), FormatTime(e.time()),
         v1::Event::Type_Name(e.type()), e.actor(),
         absl::StrCat(
             e.state_before() ? v1::Ticket::State_Name(e.state_before()) : "",
             " -> ", v1::Ticket::State_Name(e.state_after())),
         ShortDepartment(e.department()), Truncate(details, 40)});
  }
  std::cout << table.Render();
  return 0;
}

}  // namespace

void AddTicketCommands(std::vector<Command>* commands_out) {
  std::vector<Command>& commands = *commands_out;
  commands.push_back(
      {"ticket create",
       "create a ticket (intake, bureau)",
       "ticket create --type TYPE --topic TOPIC --title TITLE --content TEXT "
       "[options]",
       "Creates a ticket (intake or bureau). A retry with the same "
       "--request_id or --source_id creates nothing new.\n"
       "Options: --type inquiry|help|suggestion|complaint|report|other, "
       "--urgency normal|urgent|critical, --topic, --title, --content, "
       "--address, --category CODE (诉求分类, hotlinectl category list), "
       "--caller, --phone, --confidential, --source_id, "
       "--duplicate_of SOURCE_ID (the platform marks it a repeat of that "
       "ticket), --received_at RFC3339, --dispatch_to DEPARTMENT, --assist "
       "DEPARTMENT,... (assisting departments, 协办, with --dispatch_to), "
       "--request_id.\n"
       "Example:\n  hotlinectl ticket create --type complaint --topic 噪音 "
       "--title \"工地夜间施工\" --content \"每晚十点后仍在施工\" "
       "--dispatch_to housing",
       {"type", "urgency", "topic", "title", "content", "address", "category",
        "caller", "phone", "source_id", "duplicate_of", "received_at",
        "dispatch_to", "assist", "request_id"},
       {"confidential"},
       0,
       0,
       RunTicketCreate});
  commands.push_back(
      {"ticket get",
       "show one ticket",
       "ticket get TICKET",
       "Shows one ticket. TICKET: tickets/7 or 7.\nExample:\n  hotlinectl "
       "ticket get 7",
       {},
       {},
       1,
       1,
       [](Context& c, const Args&, const std::vector<std::string>& w) {
         v1::GetTicketRequest request;
         request.set_name(TicketName(w[0]));
         return PrintTicket(c, c.client->GetTicket(request));
       }});
  commands.push_back(
      {"ticket list",
       "list the tickets you may see, optionally filtered",
       "ticket list [--filter EXPR] [--page_size N] [--page_token T] [--all]",
       "Lists tickets you may see, oldest first. Filter fields: state, "
       "department, assisting, type, topic, urgency, source_id, created_by "
       "(=) and "
       "received_at (< <= > >=), joined by AND.\nExample:\n  hotlinectl "
       "ticket list --filter 'state = IN_PROGRESS AND department = "
       "\"departments/housing\"' --all",
       {"filter", "page_size", "page_token"},
       {"all"},
       0,
       0,
       RunTicketList});
  commands.push_back(
      {"ticket dispatch",
       "assign or reassign a ticket to a department (bureau)",
       "ticket dispatch TICKET DEPARTMENT [--note TEXT] "
       "[--assist DEPARTMENT,...] [--category CODE] [--etag E]",
       "Assigns or reassigns a ticket to a department, the lead (主办), "
       "with --assist the assisting departments (协办) (bureau only). "
       "--category sets the ticket's category (诉求分类) with it; "
       "hotlinectl ticket suggest shows what the dispatch catalogue "
       "(派单目录) suggests.\n"
       "Example:\n  hotlinectl ticket dispatch 7 housing --note 请尽快核实 "
       "--assist transport,market",
       {"note", "assist", "category", "etag"},
       {},
       2,
       2,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::DispatchTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_department(DepartmentName(w[1]));
         request.set_note(args.Get("note"));
         request.set_category(args.Get("category"));
         for (const std::string& department : AssistList(args)) {
           request.add_assisting_departments(department);
         }
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->DispatchTicket(request));
       }});
  commands.push_back(
      {"ticket ack",
       "sign for (签收) a dispatched ticket (department)",
       "ticket ack TICKET [--etag E]",
       "Signs for (签收) a dispatched ticket (its department).\nExample:\n  "
       "hotlinectl ticket ack 7",
       {"etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::AcknowledgeTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->AcknowledgeTicket(request));
       }});
  commands.push_back(
      {"ticket return",
       "return (退单) a ticket that is not yours (department)",
       "ticket return TICKET --reason TEXT [--etag E]",
       "Returns (退单) a ticket that is not the department's own.\nExample:\n"
       "  hotlinectl ticket return 7 --reason 属于市场监管局职责",
       {"reason", "etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::ReturnTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ReturnTicket(request));
       }});
  commands.push_back(
      {"ticket reply",
       "reply with the result (department)",
       "ticket reply TICKET --outcome OUTCOME --text TEXT "
       "[--missing_opinions_reason TEXT] [--etag E]",
       "Replies with the result (its lead department). OUTCOME: resolved, "
       "explained, not_resolvable, not_our_remit. While an assisting "
       "department's opinion (协办意见) is missing, "
       "--missing_opinions_reason says why the lead replies without "
       "it.\nExample:\n  hotlinectl ticket reply 7 --outcome resolved --text "
       "已责令停工整改",
       {"outcome", "text", "missing_opinions_reason", "etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         absl::StatusOr<v1::Ticket::Outcome> outcome =
             ParseEnum<v1::Ticket::Outcome>(
                 "outcome", args.Get("outcome"), &v1::Ticket::Outcome_Parse,
                 "resolved, explained, not_resolvable, not_our_remit");
         if (!outcome.ok()) return InputError(c, outcome.status());
         v1::ReplyTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_outcome(*outcome);
         request.set_reply_text(args.Get("text"));
         request.set_missing_opinions_reason(
             args.Get("missing_opinions_reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ReplyTicket(request));
       }});
  commands.push_back(
      {"ticket close",
       "close a replied ticket after the callback (bureau)",
       "ticket close TICKET --satisfaction S [--reasons R1,R2] [--etag E]",
       "Closes a replied ticket with the callback's verdict (bureau only). "
       "S: satisfied, basically_satisfied, dissatisfied; with dissatisfied, "
       "--reasons says why: problem_unsolved (问题未解决), poor_attitude "
       "(态度不好), too_slow (办理拖延), not_contacted (未联系诉求人), "
       "other_dissatisfaction (其他).\nExamples:\n  "
       "hotlinectl ticket close 7 --satisfaction satisfied\n  hotlinectl "
       "ticket close 8 --satisfaction dissatisfied --reasons "
       "problem_unsolved,too_slow",
       {"satisfaction", "reasons", "etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         absl::StatusOr<v1::Ticket::Satisfaction> satisfaction =
             ParseEnum<v1::Ticket::Satisfaction>(
                 "satisfaction", args.Get("satisfaction"),
                 &v1::Ticket::Satisfaction_Parse,
                 "satisfied, basically_satisfied, dissatisfied");
         if (!satisfaction.ok()) return InputError(c, satisfaction.status());
         v1::CloseTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_satisfaction(*satisfaction);
         for (absl::string_view part : absl::StrSplit(args.Get("reasons"), ',',
                                                      absl::SkipWhitespace())) {
           absl::StatusOr<v1::DissatisfactionReason> reason =
               ParseEnum<v1::DissatisfactionReason>(
                   "reasons", std::string(part),
                   &v1::DissatisfactionReason_Parse,
                   "problem_unsolved, poor_attitude, too_slow, "
                   "not_contacted, other_dissatisfaction");
           if (!reason.ok()) return InputError(c, reason.status());
           request.add_dissatisfaction_reasons(*reason);
         }
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->CloseTicket(request));
       }});
  commands.push_back(
      {"ticket reopen",
       "reopen (重办) a replied or closed ticket (bureau)",
       "ticket reopen TICKET --reason TEXT [--etag E]",
       "Reopens (重办) a replied or closed ticket for the same department "
       "(bureau only).\nExample:\n  hotlinectl ticket reopen 7 --reason "
       "市民反映仍在夜间施工",
       {"reason", "etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::ReopenTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ReopenTicket(request));
       }});
  commands.push_back(
      {"ticket extend",
       "ask for an extension (延期) (department)",
       "ticket extend TICKET --days N --reason TEXT [--etag E]",
       "Asks for an extension (延期) of the reply deadline by N working days, "
       "before it passes (its department).\nExample:\n  hotlinectl ticket "
       "extend 7 --days 5 --reason 需协调多个部门现场核查",
       {"days", "reason", "etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         int days = 0;
         if (!absl::SimpleAtoi(args.Get("days"), &days)) {
           return InputError(
               c, absl::InvalidArgumentError("--days must be a number"));
         }
         v1::RequestExtensionRequest request;
         request.set_name(TicketName(w[0]));
         request.set_working_days(days);
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->RequestExtension(request));
       }});
  commands.push_back(
      {"ticket approve-extension",
       "approve the pending extension (bureau)",
       "ticket approve-extension TICKET [--etag E]",
       "Approves the pending extension: the reply deadline moves (bureau "
       "only).\nExample:\n  hotlinectl ticket approve-extension 7",
       {"etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::ApproveExtensionRequest request;
         request.set_name(TicketName(w[0]));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ApproveExtension(request));
       }});
  commands.push_back(
      {"ticket reject-extension",
       "reject the pending extension (bureau)",
       "ticket reject-extension TICKET --reason TEXT [--etag E]",
       "Rejects the pending extension (bureau only).\nExample:\n  hotlinectl "
       "ticket reject-extension 7 --reason 理由不充分",
       {"reason", "etag"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::RejectExtensionRequest request;
         request.set_name(TicketName(w[0]));
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->RejectExtension(request));
       }});
  commands.push_back({"ticket events",
                      "show a ticket's full history",
                      "ticket events TICKET",
                      "Shows a ticket's full history.\nExample:\n  hotlinectl "
                      "ticket events 7",
                      {},
                      {},
                      1,
                      1,
                      RunTicketEvents});
}

}  // namespace hotline::cli
