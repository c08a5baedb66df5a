// Mutating calls made safe to retry by their request_id (AIP-155). A use
// case does not call these itself: Writer (app/write.h) does, as
//
//   ASSIGN_OR_RETURN(RequestIdentity id, IdentifyRequest(principal, request));
//   ...  // authorize
//   CommitPlanned<v1::Ticket>(store, executor,
//       AnswerRetries<v1::Ticket>(id, clock, store, plan), std::move(done));
//
// The wrapped plan first looks the request up: a retry (same caller, same
// request_id, same request) gets the first outcome and writes nothing; the
// same request_id with another request is INVALID_ARGUMENT; otherwise the
// plan runs and its outcome joins its change set, so the record exists
// exactly when the change does (two racing retries: the second commit is a
// conflict, is planned again and finds the first's outcome). A failed call
// records nothing (it changed nothing), so its retry runs again.
//
// The store keeps only hashes of (caller, request_id), never the id itself.
// A token's secret in a recorded outcome is sealed with a pad derived from
// the request_id, so the database alone never yields a usable secret, while
// the caller who lost CreateToken's answer gets the secret back by retrying.
//
// Thread-safe (pure functions; the plan reads the store).
#ifndef HOTLINE_APP_IDEMPOTENCY_H_
#define HOTLINE_APP_IDEMPOTENCY_H_

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "app/planned_write.h"
#include "common/status_macros.h"
#include "google/protobuf/message.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

struct RequestIdentity {
  // The RPC's name, for messages and to tell requests apart.
  std::string method;
  // Empty when the request has no request_id: the unit runs as it is.
  std::string request_id;
  // SHA-256 of (caller, request_id): the stored key.
  std::string key;
  // SHA-256 of the request without its request_id.
  std::string fingerprint;
  // SHA-256 of (caller, request_id) under another label: seals secrets.
  std::string seal;
};

// Reads `request`'s request_id field (INVALID_ARGUMENT when longer than 64
// characters or not printable ASCII) and hashes the request. The method is
// the request message's name without "Request" ("AcknowledgeTicket").
absl::StatusOr<RequestIdentity> IdentifyRequest(
    const Principal& principal, const google::protobuf::Message& request);

// `secret` XORed with a pad made from `seal`, in hex (a proto string must be
// UTF-8); UnsealSecret undoes it.
std::string SealSecret(absl::string_view secret, absl::string_view seal);
std::string UnsealSecret(absl::string_view sealed, absl::string_view seal);

// The refusal of a request_id reused for a different request.
absl::Status RequestIdReused(const RequestIdentity& id,
                             const std::string& first_method);

template <typename Response>
PlanFn<Response> AnswerRetries(RequestIdentity id, const Clock* clock,
                               storage::Store* store, PlanFn<Response> plan) {
  if (id.key.empty()) return plan;
  return [id = std::move(id), clock, store,
          plan = std::move(plan)]() -> absl::StatusOr<Planned<Response>> {
    ASSIGN_OR_RETURN(std::optional<storage::RequestOutcome> earlier,
                     store->FindRequestOutcome(id.key));
    if (earlier.has_value()) {
      const storage::RequestOutcome& outcome = *earlier;
      if (outcome.method != id.method ||
          outcome.fingerprint != id.fingerprint) {
        return RequestIdReused(id, outcome.method);
      }
      Planned<Response> answered;
      if (!answered.answer.ParseFromString(outcome.response)) {
        return absl::DataLossError(
            absl::StrCat("the recorded outcome of request_id ", id.request_id,
                         " cannot be read"));
      }
      if constexpr (std::is_same_v<Response, v1::Token>) {
        answered.answer.set_secret(
            UnsealSecret(answered.answer.secret(), id.seal));
      }
      return answered;  // nothing to write
    }
    ASSIGN_OR_RETURN(Planned<Response> planned, plan());
    storage::RequestOutcomeRow row;
    row.key = id.key;
    row.outcome = storage::RequestOutcome{id.method, id.fingerprint, ""};
    if constexpr (std::is_same_v<Response, v1::Token>) {
      Response sealed = planned.answer;
      sealed.set_secret(SealSecret(sealed.secret(), id.seal));
      row.outcome.response = sealed.SerializeAsString();
    } else {
      row.outcome.response = planned.answer.SerializeAsString();
    }
    row.created_at_micros = absl::ToUnixMicros(clock->Now());
    planned.changes.request_outcome = std::move(row);
    return planned;
  };
}

}  // namespace hotline

#endif  // HOTLINE_APP_IDEMPOTENCY_H_
