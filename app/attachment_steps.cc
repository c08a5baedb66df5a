// TicketService's attachments (附件): the rules are in
// workflow/attachment_rules.h; here the request checks, the bytes' way into
// the store before their record, the quota's reading, and the download.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "app/idempotency.h"
#include "app/ticket_service.h"
#include "common/error_details.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "storage/records.h"
#include "workflow/merge_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

// The header's own checks: INVALID_ARGUMENT naming the first field at
// fault, RESOURCE_EXHAUSTED for an announced size over the file limit.
absl::Status CheckHeader(const v1::UploadAttachmentRequest& first,
                         const AttachmentLimits& limits) {
  if (!first.has_header()) {
    return InvalidFieldError(
        "header",
        "the upload's first message must carry its header (the ticket, the "
        "file's name and the step)");
  }
  const v1::AttachmentHeader& header = first.header();
  RETURN_IF_ERROR(ParseTicketName(header.ticket(), "header.ticket").status());
  RETURN_IF_ERROR(CheckFileName(header.file_name(), "header.file_name"));
  if (!v1::Attachment::Step_IsValid(header.step()) ||
      header.step() == v1::Attachment::STEP_UNSPECIFIED) {
    return InvalidFieldError(
        "header.step",
        "header.step is required: INTAKE, REPLY, RETURN, DAILY_REPORT, "
        "FINAL_ANSWER, ASSIST_OPINION or OTHER");
  }
  RETURN_IF_ERROR(CheckOptionalText(header.description(), "header.description",
                                    kMaxReasonChars));
  if (header.size_bytes() < 0) {
    return InvalidFieldError("header.size_bytes",
                             "header.size_bytes may not be negative");
  }
  if (!header.sha256().empty() &&
      !IsSha256Hex(absl::AsciiStrToLower(header.sha256()))) {
    return InvalidFieldError("header.sha256",
                             "header.sha256 must be 64 hex digits");
  }
  return CheckFileSize(header.size_bytes(), limits);
}

// The store's day of `now` in the bureau's zone: [start, end) in UTC
// microseconds, and its date.
struct Day {
  int64_t start = 0;
  int64_t end = 0;
  std::string date;
};
Day DayOf(absl::Time now, absl::TimeZone zone) {
  const absl::CivilDay day = absl::ToCivilDay(now, zone);
  return Day{absl::ToUnixMicros(absl::FromCivil(day, zone)),
             absl::ToUnixMicros(absl::FromCivil(day + 1, zone)),
             absl::FormatCivilTime(day)};
}

}  // namespace

absl::StatusOr<std::unique_ptr<AttachmentUpload>> TicketService::BeginUpload(
    const Principal& principal, const v1::UploadAttachmentRequest& first) {
  RETURN_IF_ERROR(CheckHeader(first, attachment_limits_));
  ASSIGN_OR_RETURN(RequestIdentity identity, IdentifyRequest(principal, first));
  RETURN_IF_ERROR(AuthorizeAction(principal, TicketAction::kAttach));
  v1::UploadAttachmentRequest kept = first;
  kept.clear_chunk();
  kept.mutable_header()->set_sha256(
      absl::AsciiStrToLower(first.header().sha256()));
  // A retry of a finished upload is answered by FinishUpload, whatever
  // the ticket has become since.
  bool retry = false;
  if (!identity.key.empty()) {
    ASSIGN_OR_RETURN(std::optional<storage::RequestOutcome> earlier,
                     store_->FindRequestOutcome(identity.key));
    retry = earlier.has_value();
  }
  if (!retry) {
    const std::string& name = first.header().ticket();
    ASSIGN_OR_RETURN(int64_t id, ParseTicketName(name, "header.ticket"));
    ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_->LoadTicket(id));
    RETURN_IF_ERROR(AuthorizeOnTicket(principal, TicketAction::kAttach, name,
                                      ticket ? &*ticket : nullptr));
    RETURN_IF_ERROR(CheckNotMerged(*ticket, "UploadAttachment"));
    RETURN_IF_ERROR(CheckAttachStep(principal, *ticket, first.header().step()));
    const int64_t size = first.header().size_bytes();
    RETURN_IF_ERROR(CheckTicketRoom(*ticket, size, attachment_limits_));
    const absl::Time now = clock_->Now();
    const Day day = DayOf(now, policies_->calendar().zone());
    ASSIGN_OR_RETURN(
        int64_t used,
        store_->SumAttachmentBytes(principal.ToString(), day.start, day.end));
    RETURN_IF_ERROR(CheckDailyQuota(used, size, attachment_limits_, day.date,
                                    absl::FromUnixMicros(day.end) - now));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<storage::BlobWriter> blob,
                   store_->NewBlob());
  return std::make_unique<AttachmentUpload>(std::move(kept), std::move(blob),
                                            attachment_limits_);
}

void TicketService::FinishUpload(const Principal& principal,
                                 std::unique_ptr<AttachmentUpload> upload,
                                 AttachmentDone done) {
  absl::StatusOr<v1::Attachment> stored = upload->Store();
  if (!stored.ok()) return done(stored.status());
  // A retry is the same upload: the same header and the same bytes.
  v1::UploadAttachmentRequest request = upload->first();
  request.mutable_header()->set_sha256(stored->sha256());
  request.mutable_header()->set_size_bytes(stored->size_bytes());
  const std::string name = request.header().ticket();
  absl::StatusOr<int64_t> id = ParseTicketName(name, "header.ticket");
  if (!id.ok()) return done(id.status());
  writer_.Run<v1::Attachment>(
      principal, request, TicketAction::kAttach,
      [this, principal, id = *id, name,
       file = *std::move(stored)]() -> absl::StatusOr<Planned<v1::Attachment>> {
        const ActionContext context{principal, clock_->Now()};
        const Day day = DayOf(context.now, policies_->calendar().zone());
        ASSIGN_OR_RETURN(int64_t used,
                         store_->SumAttachmentBytes(principal.ToString(),
                                                    day.start, day.end));
        ASSIGN_OR_RETURN(
            Planned<v1::Ticket> planned,
            PlanTicketStep(
                *store_, *policies_, context, TicketAction::kAttach, id, name,
                [&](storage::Store&, const v1::Ticket& ticket,
                    const ActionContext& at) -> absl::StatusOr<TicketChange> {
                  RETURN_IF_ERROR(
                      CheckAttachStep(at.actor, ticket, file.step()));
                  RETURN_IF_ERROR(CheckTicketRoom(ticket, file.size_bytes(),
                                                  attachment_limits_));
                  RETURN_IF_ERROR(CheckDailyQuota(
                      used, file.size_bytes(), attachment_limits_, day.date,
                      absl::FromUnixMicros(day.end) - at.now));
                  return AddAttachment(ticket, file, at);
                }));
        const v1::Attachment& added =
            planned.answer.attachments(planned.answer.attachments_size() - 1);
        planned.changes.attachments.push_back(
            {id, planned.answer.attachments_size(), added.sha256(),
             added.size_bytes(), added.added_by(),
             absl::ToUnixMicros(context.now)});
        return Planned<v1::Attachment>{std::move(planned.changes), added};
      },
      std::move(done));
}

absl::StatusOr<AttachmentBytes> TicketService::ReadAttachment(
    const Principal& principal, const v1::DownloadAttachmentRequest& request) {
  ASSIGN_OR_RETURN(AttachmentName name,
                   ParseAttachmentName(request.name(), "name"));
  if (request.offset() < 0 || request.length() < 0) {
    return InvalidFieldError(request.offset() < 0 ? "offset" : "length",
                             "offset and length may not be negative");
  }
  ASSIGN_OR_RETURN(int64_t id, ParseTicketName(name.ticket, "name"));
  RETURN_IF_ERROR(AuthorizeAction(principal, TicketAction::kView));
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_->LoadTicket(id));
  RETURN_IF_ERROR(AuthorizeOnTicket(principal, TicketAction::kView, name.ticket,
                                    ticket ? &*ticket : nullptr));
  ASSIGN_OR_RETURN(v1::Attachment attachment,
                   AttachmentFor(principal, *ticket, name.number));
  if (request.offset() >= attachment.size_bytes()) {
    return WithReason(
        absl::OutOfRangeError(absl::StrCat(
            "offset ", request.offset(), " is past the end of ", request.name(),
            " (", attachment.size_bytes(), " bytes)")),
        v1::INVALID_FIELD, {{"field", "offset"}});
  }
  absl::StatusOr<std::string> bytes = store_->ReadBlob(attachment.sha256());
  if (!bytes.ok()) {
    if (bytes.status().code() != absl::StatusCode::kDataLoss) {
      return bytes.status();
    }
    LogError(absl::StrCat(request.name(), ": ", bytes.status().message()));
    return WithReason(
        absl::DataLossError(absl::StrCat(
            "the stored bytes of ", request.name(),
            " are missing or damaged and are not served; the operator "
            "restores them from a backup (the server log names the file)")),
        v1::ATTACHMENT_DAMAGED, {{"attachment", request.name()}});
  }
  AttachmentBytes answer;
  answer.offset = request.offset();
  const size_t length = request.length() == 0
                            ? std::string::npos
                            : static_cast<size_t>(request.length());
  answer.bytes = bytes->substr(static_cast<size_t>(request.offset()), length);
  answer.attachment = std::move(attachment);
  return answer;
}

void TicketService::ReleaseAttachment(
    const Principal& principal, const v1::ReleaseAttachmentRequest& request,
    AttachmentDone done) {
  absl::StatusOr<AttachmentName> name =
      ParseAttachmentName(request.name(), "name");
  if (!name.ok()) return done(name.status());
  if (absl::Status s =
          CheckRequiredText(request.reason(), "reason", kMaxReasonChars);
      !s.ok()) {
    return done(s);
  }
  absl::StatusOr<int64_t> id = ParseTicketName(name->ticket, "name");
  if (!id.ok()) return done(id.status());
  writer_.Run<v1::Attachment>(
      principal, request, TicketAction::kReleaseAttachment,
      [this, principal, id = *id, name = *name,
       reason = request.reason()]() -> absl::StatusOr<Planned<v1::Attachment>> {
        const ActionContext context{principal, clock_->Now()};
        ASSIGN_OR_RETURN(
            Planned<v1::Ticket> planned,
            PlanTicketStep(*store_, *policies_, context,
                           TicketAction::kReleaseAttachment, id, name.ticket,
                           [&](storage::Store&, const v1::Ticket& ticket,
                               const ActionContext& at) {
                             return hotline::ReleaseAttachment(
                                 ticket, name.number, reason, at);
                           }));
        v1::Attachment released = planned.answer.attachments(name.number - 1);
        return Planned<v1::Attachment>{std::move(planned.changes),
                                       std::move(released)};
      },
      std::move(done));
}

}  // namespace hotline
