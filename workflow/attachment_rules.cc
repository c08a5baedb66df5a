#include "workflow/attachment_rules.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/input_text.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

using v1::Attachment;
using v1::Ticket;

absl::Status StepNotYours(const Principal& principal, Attachment::Step step,
                          absl::string_view whose) {
  return WithReason(
      absl::PermissionDeniedError(
          absl::StrCat(principal.ToString(), " may not attach a file to the ",
                       Attachment::Step_Name(step), " step: ", whose)),
      v1::ROLE_NOT_ALLOWED,
      {{"principal", principal.ToString()}, {"method", "UploadAttachment"}});
}

const v1::Assist* AssistOf(const Ticket& ticket,
                           const std::string& department) {
  for (const v1::Assist& part : ticket.assists()) {
    if (part.department() == department) return &part;
  }
  return nullptr;
}

std::string Mib(int64_t bytes) {
  return bytes % (1 << 20) == 0 ? absl::StrCat(bytes >> 20, " MiB")
                                : absl::StrCat(bytes, " bytes");
}

}  // namespace

absl::Status CheckFileName(absl::string_view file_name,
                           absl::string_view field) {
  RETURN_IF_ERROR(CheckRequiredText(file_name, field, kMaxFileNameChars));
  for (char c : file_name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
        c == 0x7F) {
      return InvalidFieldError(
          field, absl::StrCat(field, " ", QuoteInput(file_name),
                              " is not a file name: no path (/ or \\) and no "
                              "control characters"));
    }
  }
  if (file_name.front() == '.') {
    return InvalidFieldError(field,
                             absl::StrCat(field, " ", QuoteInput(file_name),
                                          " may not start with '.'"));
  }
  return absl::OkStatus();
}

absl::Status CheckAttachStep(const Principal& principal, const Ticket& ticket,
                             Attachment::Step step) {
  if (!Attachment::Step_IsValid(step) || step == Attachment::STEP_UNSPECIFIED) {
    return InvalidFieldError(
        "header.step",
        "header.step is required: INTAKE, REPLY, RETURN, DAILY_REPORT, "
        "FINAL_ANSWER, ASSIST_OPINION or OTHER");
  }
  switch (principal.kind) {
    case Principal::Kind::kBureau:
      return CheckStep(ticket, "", "UploadAttachment",
                       {Ticket::RECEIVED, Ticket::DISPATCHED,
                        Ticket::IN_PROGRESS, Ticket::REPLIED, Ticket::CLOSED,
                        Ticket::RETURNED, Ticket::SUSPENDED});
    case Principal::Kind::kIntake:
      if (step != Attachment::INTAKE) {
        return StepNotYours(principal, step,
                            "intake attaches the caller's evidence (INTAKE)");
      }
      return CheckStep(
          ticket, "", "UploadAttachment",
          {Ticket::RECEIVED, Ticket::DISPATCHED, Ticket::IN_PROGRESS,
           Ticket::REPLIED, Ticket::RETURNED, Ticket::SUSPENDED});
    case Principal::Kind::kDepartment:
      break;
  }
  const std::string own = principal.DepartmentName();
  if (ticket.department() == own) {
    if (step != Attachment::REPLY && step != Attachment::RETURN &&
        step != Attachment::DAILY_REPORT && step != Attachment::FINAL_ANSWER) {
      return StepNotYours(principal, step,
                          "the lead department (主办) attaches to REPLY, "
                          "RETURN, DAILY_REPORT or FINAL_ANSWER");
    }
    return CheckStep(
        ticket, "", "UploadAttachment",
        {Ticket::DISPATCHED, Ticket::IN_PROGRESS, Ticket::SUSPENDED});
  }
  if (step != Attachment::ASSIST_OPINION) {
    return StepNotYours(principal, step,
                        "an assisting department (协办) attaches to "
                        "ASSIST_OPINION");
  }
  const v1::Assist* part = AssistOf(ticket, own);
  if (part == nullptr || (part->state() != v1::Assist::DISPATCHED &&
                          part->state() != v1::Assist::ACKNOWLEDGED)) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            own, "'s assisting part of ", ticket.name(), " is not open (it is ",
            part == nullptr ? "missing" : v1::Assist::State_Name(part->state()),
            "); evidence is attached before the opinion is given")),
        v1::TICKET_STATE,
        {{"ticket", ticket.name()},
         {"state", Ticket::State_Name(ticket.state())},
         {"method", "UploadAttachment"}});
  }
  return CheckStep(
      ticket, "", "UploadAttachment",
      {Ticket::DISPATCHED, Ticket::IN_PROGRESS, Ticket::SUSPENDED});
}

absl::Status CheckFileSize(int64_t size, const AttachmentLimits& limits) {
  if (size <= limits.max_file_bytes) return absl::OkStatus();
  return WithReason(
      absl::ResourceExhaustedError(absl::StrCat(
          "the file is larger than the server takes (",
          Mib(limits.max_file_bytes),
          " a file); send a smaller one (a photo at a lower resolution, a "
          "shorter recording) or split it")),
      v1::ATTACHMENT_TOO_LARGE,
      {{"limit_bytes", absl::StrCat(limits.max_file_bytes)}});
}

absl::Status CheckTicketRoom(const Ticket& ticket, int64_t size,
                             const AttachmentLimits& limits) {
  int64_t total = 0;
  for (const Attachment& attachment : ticket.attachments()) {
    total += attachment.size_bytes();
  }
  if (ticket.attachments_size() < limits.max_ticket_files &&
      total + size <= limits.max_ticket_bytes) {
    return absl::OkStatus();
  }
  return WithReason(
      absl::ResourceExhaustedError(absl::StrCat(
          ticket.name(), " has ", ticket.attachments_size(), " file(s) of ",
          total, " bytes; a ticket holds at most ", limits.max_ticket_files,
          " files and ", Mib(limits.max_ticket_bytes), " together")),
      v1::TICKET_ATTACHMENTS_FULL,
      {{"ticket", ticket.name()},
       {"limit_files", absl::StrCat(limits.max_ticket_files)},
       {"limit_bytes", absl::StrCat(limits.max_ticket_bytes)}});
}

absl::Status CheckDailyQuota(int64_t used, int64_t size,
                             const AttachmentLimits& limits,
                             absl::string_view date,
                             absl::Duration to_day_end) {
  if (used + size <= limits.daily_quota_bytes) return absl::OkStatus();
  return WithRetryDelay(
      WithReason(absl::ResourceExhaustedError(absl::StrCat(
                     "the daily quota of attachments (",
                     Mib(limits.daily_quota_bytes), ") is used up for ", date,
                     ": ", used, " bytes uploaded; it starts afresh tomorrow")),
                 v1::ATTACHMENT_QUOTA,
                 {{"limit_bytes", absl::StrCat(limits.daily_quota_bytes)},
                  {"used_bytes", absl::StrCat(used)},
                  {"date", std::string(date)}}),
      to_day_end);
}

TicketChange AddAttachment(const Ticket& ticket, Attachment file,
                           const ActionContext& context) {
  TicketChange change =
      BeginStep(ticket, v1::Event::ATTACHMENT_ADDED, ticket.state(), context);
  const int number = ticket.attachments_size() + 1;
  file.set_name(absl::StrCat(ticket.name(), "/attachments/", number));
  file.set_added_by(context.actor.ToString());
  *file.mutable_add_time() = ToProtoTime(context.now);
  file.set_restricted(ticket.confidential() &&
                      file.step() == Attachment::INTAKE);
  file.set_released(false);
  *change.event.mutable_attachment() = file;
  *change.ticket.add_attachments() = std::move(file);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> ReleaseAttachment(const Ticket& ticket, int number,
                                               absl::string_view reason,
                                               const ActionContext& context) {
  const std::string name = absl::StrCat(ticket.name(), "/attachments/", number);
  if (number < 1 || number > ticket.attachments_size()) {
    return ResourceNotFound(
        "attachment", name,
        absl::StrCat(ticket.name(), " has ", ticket.attachments_size(),
                     " attachment(s)"));
  }
  const Attachment& file = ticket.attachments(number - 1);
  if (!file.restricted() || file.released()) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            name, file.released() ? " is released already"
                                  : " is not a confidential caller's file; "
                                    "departments see it already")),
        v1::OTHER, {{"attachment", name}});
  }
  TicketChange change = BeginStep(ticket, v1::Event::ATTACHMENT_RELEASED,
                                  ticket.state(), context);
  Attachment& released = *change.ticket.mutable_attachments(number - 1);
  released.set_released(true);
  *change.event.mutable_attachment() = released;
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<Attachment> AttachmentFor(const Principal& principal,
                                         const Ticket& ticket, int number) {
  const std::string name = absl::StrCat(ticket.name(), "/attachments/", number);
  if (number < 1 || number > ticket.attachments_size()) {
    return ResourceNotFound("attachment", name);
  }
  const Attachment& file = ticket.attachments(number - 1);
  if (principal.kind == Principal::Kind::kDepartment && file.restricted() &&
      !file.released()) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            name,
            " is a confidential caller's own file; departments fetch it only "
            "once the bureau releases it (ReleaseAttachment)")),
        v1::ATTACHMENT_RESTRICTED, {{"attachment", name}});
  }
  return file;
}

absl::StatusOr<AttachmentName> ParseAttachmentName(absl::string_view name,
                                                   absl::string_view field) {
  return ParseTicketPartName(name, "attachments", "attachment", field);
}

}  // namespace hotline
