// Attachments (附件): who may attach a file to which step of a ticket, the
// limits, and the record a file leaves on its ticket. The bytes themselves
// are the store's (storage/blob_writer.h); their type is read from them
// (content_sniffing.h).
//
// Who attaches what (the role and the ticket's access are AuthorizeOnTicket's,
// action kAttach):
//   intake      the caller's evidence (INTAKE) on the tickets it created,
//               until they are closed;
//   department  as the lead (主办), proof for its reply, return, daily
//               report or final answer (REPLY, RETURN, DAILY_REPORT,
//               FINAL_ANSWER) while it holds the ticket (DISPATCHED,
//               IN_PROGRESS, SUSPENDED); as an assisting department (协办),
//               evidence for its opinion (ASSIST_OPINION) while its part is
//               open;
//   bureau      any step, in any state but MERGED.
// A confidential caller's own files (INTAKE on a confidential ticket) are
// `restricted`: departments neither see nor fetch them until the bureau
// releases them (ReleaseAttachment; access.h ViewFor).
//
// Pure and thread-safe.
#ifndef HOTLINE_WORKFLOW_ATTACHMENT_RULES_H_
#define HOTLINE_WORKFLOW_ATTACHMENT_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/principal.h"
#include "workflow/ticket_rules.h"
#include "workflow/validation.h"

namespace hotline {

// The server's limits (hotline-server flags, docs/operations.md).
struct AttachmentLimits {
  // One file: phone photos and a few minutes of audio fit.
  int64_t max_file_bytes = int64_t{32} << 20;
  // One ticket, all its files together, and how many.
  int64_t max_ticket_bytes = int64_t{256} << 20;
  int max_ticket_files = 100;
  // What one principal (a department, an intake source, the bureau) may
  // upload in a day of the bureau's time zone.
  int64_t daily_quota_bytes = int64_t{2} << 30;
};

inline constexpr int kMaxFileNameChars = 200;

// INVALID_ARGUMENT naming `field` unless `file_name` is 1 to 200
// characters of printable UTF-8 without '/', '\' or a leading '.'.
absl::Status CheckFileName(absl::string_view file_name,
                           absl::string_view field);

// May the principal attach a file of `step` to `ticket` now?
// INVALID_ARGUMENT for no step; PERMISSION_DENIED (ROLE_NOT_ALLOWED) for a
// step that is not the principal's; FAILED_PRECONDITION (TICKET_STATE) when
// the ticket is past the step.
absl::Status CheckAttachStep(const Principal& principal,
                             const v1::Ticket& ticket,
                             v1::Attachment::Step step);

// RESOURCE_EXHAUSTED (ATTACHMENT_TOO_LARGE) when a file of `size` bytes is
// over the limit.
absl::Status CheckFileSize(int64_t size, const AttachmentLimits& limits);
// RESOURCE_EXHAUSTED (TICKET_ATTACHMENTS_FULL) when `ticket` has no room
// for one more file of `size` bytes.
absl::Status CheckTicketRoom(const v1::Ticket& ticket, int64_t size,
                             const AttachmentLimits& limits);
// RESOURCE_EXHAUSTED (ATTACHMENT_QUOTA, with RetryInfo until `day_end`)
// when `used` bytes today and `size` more are over the daily quota.
// `date` is the day's "YYYY-MM-DD".
absl::Status CheckDailyQuota(int64_t used, int64_t size,
                             const AttachmentLimits& limits,
                             absl::string_view date, absl::Duration to_day_end);

// The ticket with `file` attached as its next attachment (its name, adder,
// time and `restricted` set here; the rest is the caller's: file name,
// type, size, SHA-256, step, description) and the ATTACHMENT_ADDED event.
// The ticket's state does not change.
TicketChange AddAttachment(const v1::Ticket& ticket, v1::Attachment file,
                           const ActionContext& context);

// The bureau lets departments see and fetch restricted attachment `number`:
// NOT_FOUND for no such attachment, FAILED_PRECONDITION (TICKET_STATE is
// not it: reason OTHER) when it is not restricted or already released.
absl::StatusOr<TicketChange> ReleaseAttachment(const v1::Ticket& ticket,
                                               int number,
                                               absl::string_view reason,
                                               const ActionContext& context);

// The attachment `number` of `ticket` as `principal` may fetch it:
// NOT_FOUND when there is none, PERMISSION_DENIED (ATTACHMENT_RESTRICTED)
// for a department and a restricted file not released.
absl::StatusOr<v1::Attachment> AttachmentFor(const Principal& principal,
                                             const v1::Ticket& ticket,
                                             int number);

// "tickets/{id}/attachments/{n}": the ticket's name and n
// (ParseTicketPartName); INVALID_ARGUMENT naming `field` otherwise.
using AttachmentName = TicketPartName;
absl::StatusOr<AttachmentName> ParseAttachmentName(absl::string_view name,
                                                   absl::string_view field);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_ATTACHMENT_RULES_H_
