// hotlinectl ticket attach, ticket attachments, attachment get and
// attachment release: files attached to tickets (附件).
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"

namespace hotline::cli {
namespace {

constexpr char kSteps[] =
    "intake, reply, return, daily_report, final_answer, assist_opinion, other";

// The last part of a path, for the file's name.
std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

int RunAttach(Context& c, const Args& args, const std::vector<std::string>& w) {
  absl::StatusOr<v1::Attachment::Step> step = ParseEnum<v1::Attachment::Step>(
      "step", args.Get("step"), v1::Attachment::Step_Parse, kSteps);
  if (!step.ok()) return InputError(c, step.status());
  std::ifstream in(w[1], std::ios::binary);
  if (!in) {
    return InputError(
        c, absl::InvalidArgumentError(absl::StrCat("cannot read ", w[1])));
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  v1::AttachmentHeader header;
  header.set_ticket(TicketName(w[0]));
  header.set_file_name(args.Has("name") ? args.Get("name") : BaseName(w[1]));
  header.set_step(*step);
  header.set_description(args.Get("description"));
  absl::StatusOr<v1::Attachment> attached =
      c.client->UploadAttachment(header, bytes, args.Get("request_id"));
  return Print<v1::Attachment>(c, attached, [](const v1::Attachment& a) {
    return KeyValues({{"attachment", a.name()},
                      {"file", a.file_name()},
                      {"type", a.content_type()},
                      {"size", absl::StrCat(a.size_bytes(), " bytes")},
                      {"sha256", a.sha256()},
                      {"step", v1::Attachment::Step_Name(a.step())},
                      {"restricted", a.restricted() ? "yes (confidential "
                                                      "caller's file)"
                                                    : "no"}});
  });
}

int RunAttachments(Context& c, const Args&, const std::vector<std::string>& w) {
  v1::GetTicketRequest request;
  request.set_name(TicketName(w[0]));
  absl::StatusOr<v1::Ticket> ticket = c.client->GetTicket(request);
  if (!ticket.ok()) return Fail(ticket.status());
  if (c.json) {
    v1::Ticket only;
    *only.mutable_attachments() = ticket->attachments();
    std::cout << ToJson(only);
    return 0;
  }
  Table table({"NAME", "FILE", "TYPE", "BYTES", "STEP", "ADDED BY", "ADDED"});
  for (const v1::Attachment& a : ticket->attachments()) {
    table.AddRow(
        {a.name(), a.file_name(), a.content_type(),
         absl::StrCat(a.size_bytes()),
         absl::StrCat(v1::Attachment::Step_Name(a.step()),
                      a.restricted() && !a.released() ? " (保密)" : ""),
         a.added_by(), FormatTime(a.add_time())});
  }
  std::cout << table.Render();
  return 0;
}

int RunGet(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::DownloadAttachmentRequest request;
  request.set_name(w[0]);
  absl::StatusOr<Client::DownloadedAttachment> got =
      c.client->DownloadAttachment(request);
  if (!got.ok()) return Fail(got.status());
  const std::string path =
      args.Has("output") ? args.Get("output") : got->attachment.file_name();
  if (path == "-") {
    std::cout << got->bytes;
    return 0;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << got->bytes;
  out.close();
  if (!out) {
    return InputError(
        c, absl::InvalidArgumentError(absl::StrCat("cannot write ", path)));
  }
  std::cerr << "wrote " << got->bytes.size() << " bytes ("
            << got->attachment.content_type() << ") to " << path << "\n";
  return 0;
}

int RunRelease(Context& c, const Args& args,
               const std::vector<std::string>& w) {
  v1::ReleaseAttachmentRequest request;
  request.set_name(w[0]);
  request.set_reason(args.Get("reason"));
  absl::StatusOr<v1::Attachment> released =
      c.client->ReleaseAttachment(request);
  return Print<v1::Attachment>(c, released, [](const v1::Attachment& a) {
    return absl::StrCat(a.name(), " released to departments\n");
  });
}

}  // namespace

void AddAttachmentCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"ticket attach",
       "attach a file to a ticket (附件)",
       "ticket attach ID FILE --step STEP [--name NAME] [--description TEXT] "
       "[--request_id ID]",
       absl::StrCat(
           "Uploads FILE and attaches it to the ticket for a step (", kSteps,
           "): intake the caller's evidence; the lead department's reply, "
           "return, daily_report or final_answer evidence; an assisting "
           "department's assist_opinion; the bureau's anything. The server "
           "reads the file's type from its bytes (images, audio, PDF, office "
           "documents); --name is the name shown (default: FILE's own). Safe "
           "to repeat with the same --request_id.\nExample:\n  hotlinectl "
           "ticket attach 7 现场照片.jpg --step reply"),
       {"step", "name", "description", "request_id"},
       {},
       2,
       2,
       RunAttach});
  commands->push_back(
      {"ticket attachments",
       "list a ticket's attachments",
       "ticket attachments ID",
       "Lists the files attached to the ticket that you may see (a "
       "department does not see a confidential caller's files until the "
       "bureau releases them).\nExample:\n  hotlinectl ticket attachments 7",
       {},
       {},
       1,
       1,
       RunAttachments});
  commands->push_back(
      {"attachment get",
       "download an attachment",
       "attachment get NAME [--output FILE|-]",
       "Downloads the attachment (tickets/ID/attachments/N) to FILE (default: "
       "its own file name in the current directory; - for standard output). "
       "The server checks the bytes against their SHA-256 first and refuses "
       "to serve damaged ones.\nExample:\n  hotlinectl attachment get "
       "tickets/7/attachments/1 --output photo.jpg",
       {"output"},
       {},
       1,
       1,
       RunGet});
  commands->push_back(
      {"attachment release",
       "let departments see a confidential caller's file (bureau)",
       "attachment release NAME --reason TEXT",
       "A confidential caller's own files (attached at intake) are hidden "
       "from departments; this releases one to them (bureau only).\nExample:"
       "\n  hotlinectl attachment release tickets/7/attachments/1 --reason "
       "现场照片不含个人信息",
       {"reason"},
       {},
       1,
       1,
       RunRelease});
}

}  // namespace hotline::cli
