// hotlinectl department, token, policy, clock and health.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/cli_command.h"
#include "tools/resource_format.h"

namespace hotline::cli {
namespace {}  // namespace

void AddAdminCommands(std::vector<Command>* commands_out) {
  std::vector<Command>& commands = *commands_out;
  commands.push_back(
      {"department create",
       "create a department (bureau)",
       "department create ID --display_name NAME",
       "Creates a department (bureau only). ID: lowercase letters, digits and "
       "hyphens.\nExample:\n  hotlinectl department create housing "
       "--display_name 县住房和城乡建设局",
       {"display_name"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::CreateDepartmentRequest request;
         request.set_department_id(w[0]);
         request.mutable_department()->set_display_name(
             args.Get("display_name"));
         return Print<v1::Department>(
             c, c.client->CreateDepartment(request), [](const auto& d) {
               return KeyValues({{"department", d.name()},
                                 {"display_name", d.display_name()}});
             });
       }});
  commands.push_back(
      {"department get",
       "show one department",
       "department get DEPARTMENT",
       "Shows one department.\nExample:\n  hotlinectl department get housing",
       {},
       {},
       1,
       1,
       [](Context& c, const Args&, const std::vector<std::string>& w) {
         v1::GetDepartmentRequest request;
         request.set_name(DepartmentName(w[0]));
         return Print<v1::Department>(
             c, c.client->GetDepartment(request), [](const auto& d) {
               return KeyValues({{"department", d.name()},
                                 {"display_name", d.display_name()},
                                 {"created", FormatTime(d.create_time())}});
             });
       }});
  commands.push_back(
      {"department list",
       "list the departments",
       "department list",
       "Lists all departments.\nExample:\n  hotlinectl department list",
       {},
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         v1::ListDepartmentsRequest request;
         request.set_page_size(500);
         v1::ListDepartmentsResponse all;
         while (true) {
           auto page = c.client->ListDepartments(request);
           if (!page.ok()) return Fail(page.status());
           for (auto& d : *page->mutable_departments()) {
             *all.add_departments() = std::move(d);
           }
           if (page->next_page_token().empty()) break;
           request.set_page_token(page->next_page_token());
         }
         if (c.json) {
           std::cout << ToJson(all);
           return 0;
         }
         Table table({"DEPARTMENT", "DISPLAY NAME", "CREATED"});
         for (const auto& d : all.departments()) {
           table.AddRow(
               {d.name(), d.display_name(), FormatTime(d.create_time())});
         }
         std::cout << table.Render();
         return 0;
       }});
  commands.push_back(
      {"token create",
       "create a token; its secret is shown once (bureau)",
       "token create PRINCIPAL [--display_name TEXT] "
       "[--certificate_identity ID]",
       "Creates an access token (bureau only) and prints its secret, which is "
       "never shown again.\nPRINCIPAL: bureau, department/ID or intake/ID.\n"
       "With --certificate_identity, binds a client certificate identity "
       "instead (mutual TLS: a SAN DNS name, URI or e-mail, or the subject's "
       "common name): calls over a connection with that verified certificate "
       "speak for PRINCIPAL; no secret is made. token revoke ends the "
       "binding.\n"
       "Example:\n  hotlinectl token create department/housing "
       "--display_name \"housing ticket system\"\n"
       "  hotlinectl token create department/housing "
       "--certificate_identity agent.housing.example",
       {"display_name", "certificate_identity"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::CreateTokenRequest request;
         request.mutable_token()->set_principal(w[0]);
         request.mutable_token()->set_display_name(args.Get("display_name"));
         request.mutable_token()->set_certificate_identity(
             args.Get("certificate_identity"));
         return Print<v1::Token>(
             c, c.client->CreateToken(request), [](const v1::Token& t) {
               if (!t.certificate_identity().empty()) {
                 return KeyValues(
                     {{"token", t.name()},
                      {"principal", t.principal()},
                      {"certificate_identity", t.certificate_identity()}});
               }
               return KeyValues({{"token", t.name()},
                                 {"principal", t.principal()},
                                 {"secret", t.secret()}}) +
                      "Keep the secret now: it is not shown again (the server "
                      "keeps only its hash).\n";
             });
       }});
  commands.push_back(
      {"token list",
       "list the tokens, without their secrets (bureau)",
       "token list",
       "Lists tokens without their secrets (bureau only).\nExample:\n  "
       "hotlinectl token list",
       {},
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         v1::ListTokensRequest request;
         request.set_page_size(500);
         v1::ListTokensResponse all;
         while (true) {
           auto page = c.client->ListTokens(request);
           if (!page.ok()) return Fail(page.status());
           for (auto& t : *page->mutable_tokens())
             *all.add_tokens() = std::move(t);
           if (page->next_page_token().empty()) break;
           request.set_page_token(page->next_page_token());
         }
         if (c.json) {
           std::cout << ToJson(all);
           return 0;
         }
         Table table({"TOKEN", "PRINCIPAL", "DISPLAY NAME", "CERTIFICATE",
                      "CREATED", "REVOKED"});
         for (const auto& t : all.tokens()) {
           table.AddRow({t.name(), t.principal(), t.display_name(),
                         t.certificate_identity(), FormatTime(t.create_time()),
                         FormatTime(t.revoke_time())});
         }
         std::cout << table.Render();
         return 0;
       }});
  commands.push_back(
      {"token revoke",
       "revoke a token at once (bureau)",
       "token revoke TOKEN",
       "Revokes a token at once (bureau only).\nExample:\n  hotlinectl token "
       "revoke tokens/3",
       {},
       {},
       1,
       1,
       [](Context& c, const Args&, const std::vector<std::string>& w) {
         v1::RevokeTokenRequest request;
         request.set_name(TokenName(w[0]));
         return Print<v1::Token>(
             c, c.client->RevokeToken(request), [](const v1::Token& t) {
               return KeyValues(
                   {{"revoked", t.name()}, {"principal", t.principal()}});
             });
       }});
  commands.push_back(
      {"policy",
       "show the deadline policy in force",
       "policy",
       "Shows the deadline policy in force.\nExample:\n  hotlinectl policy",
       {},
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         absl::StatusOr<v1::Policy> policy = c.client->GetPolicy();
         // The calendar's end is the operator's to act on: said on stderr
         // too, so it shows beside --json and in scripts' logs.
         if (policy.ok() && !policy->calendar_warning().empty()) {
           std::cerr << "hotlinectl: warning: " << policy->calendar_warning()
                     << "\n";
         }
         return Print<v1::Policy>(c, std::move(policy), PolicyDetails);
       }});
  commands.push_back(
      {"clock advance",
       "move the rehearsal clock, run the sweeper (bureau)",
       "clock advance (--by DURATION | --to TIME)",
       "Rehearsal mode only (hotline-server --clock=manual): moves the clock "
       "and runs the deadline sweeper (bureau only). DURATION: 36h, 90m, 2d.\n"
       "Example:\n  hotlinectl clock advance --to 2021-03-05T00:00:00+08:00",
       {"by", "to"},
       {},
       0,
       0,
       [](Context& c, const Args& args, const std::vector<std::string>&) {
         v1::AdvanceClockRequest request;
         if (args.Has("by")) {
           auto by = ParseDurationOption("by", args.Get("by"));
           if (!by.ok()) return InputError(c, by.status());
           request.mutable_by()->set_seconds(absl::ToInt64Seconds(*by));
         }
         if (args.Has("to")) {
           auto to = ParseTimeOption("to", args.Get("to"));
           if (!to.ok()) return InputError(c, to.status());
           request.mutable_to()->set_seconds(absl::ToUnixSeconds(*to));
         }
         return Print<v1::AdvanceClockResponse>(
             c, c.client->AdvanceClock(request),
             [](const v1::AdvanceClockResponse& r) {
               return KeyValues(
                   {{"now", FormatTime(r.now())},
                    {"tickets swept", absl::StrCat(r.tickets_swept())},
                    {"warnings", absl::StrCat(r.warnings())},
                    {"sign-for overdue", absl::StrCat(r.ack_overdue())},
                    {"yellow cards", absl::StrCat(r.yellow_cards())},
                    {"red cards", absl::StrCat(r.red_cards())},
                    {"daily reports missed",
                     absl::StrCat(r.daily_report_misses())}});
             });
       }});
  commands.push_back(
      {"backup",
       "back up the server's database now (bureau)",
       "backup",
       "Makes a consistent copy of the server's database while it keeps "
       "serving, into the server's --backup_dir (bureau only), and prints "
       "its path on the server's machine, its size and the last event seq "
       "in it. Refused (exit 5) when the server has no --backup_dir. To "
       "restore, see docs/operations.md, \"Backup and restore\".\nExample:\n"
       "  hotlinectl backup",
       {},
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         return Print<v1::Backup>(
             c, c.client->CreateBackup(), [](const v1::Backup& b) {
               return KeyValues(
                   {{"path", b.path()},
                    {"size", absl::StrCat(b.size_bytes(), " bytes")},
                    {"last seq", absl::StrCat(b.last_seq())},
                    {"created", FormatTime(b.create_time())}});
             });
       }});
  commands.push_back(
      {"health",
       "check that the server answers and is serving",
       "health",
       "Checks that the server answers and is serving (no token needed).\n"
       "Example:\n  hotlinectl health",
       {},
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         absl::Status status = c.client->CheckHealth();
         if (!status.ok()) return Fail(status);
         std::cout << "SERVING\n";
         return 0;
       }});
}

}  // namespace hotline::cli
