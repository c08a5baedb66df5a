// The outcomes of mutating calls, by request_id (AIP-155): a call retried
// with the same request_id gets the first outcome back and changes nothing.
//
// A request is found by its key, a hash of (principal, request_id) that the
// caller computes; `fingerprint` is a hash of the request's own content, so
// a request_id reused for a different request can be told apart from a
// retry. `response` is the serialized answer as first given. Outcomes are
// kept for kRequestOutcomeRetention; each insert purges a few older ones,
// so the table stays the size of that window.
//
// Not thread-safe beyond the Connection's own rule: one thread at a time.
// Inserts only inside a write unit (writer.h), in the same transaction as
// the change they answer for.
#ifndef HOTLINE_STORAGE_SQL_REQUEST_OUTCOMES_H_
#define HOTLINE_STORAGE_SQL_REQUEST_OUTCOMES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/records.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// The outcome recorded under `request_key`, or nullopt.
absl::StatusOr<std::optional<RequestOutcome>> FindRequestOutcome(
    Connection& db, const std::string& request_key);

// Records an outcome made at `now_micros` and purges up to a few outcomes
// older than the retention period. ALREADY_EXISTS when the key is taken.
absl::Status InsertRequestOutcome(Connection& db,
                                  const std::string& request_key,
                                  const RequestOutcome& outcome,
                                  int64_t now_micros);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_REQUEST_OUTCOMES_H_
