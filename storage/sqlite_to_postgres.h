// Copies a SQLite hotline database into an empty PostgreSQL one, row for
// row, in one PostgreSQL transaction: a bureau that outgrows one machine
// moves its history (tickets, events, cards, daily reports, tokens,
// policies, settings, the statistics sums and the remembered request
// outcomes) without a gap.
//
// The source is opened as a server opens it (so it is migrated to this
// build's schema first, and a server running on it is named and refused)
// and read in one read transaction. The destination must be empty of
// hotline data, and no hotline-server may have it open: the copy holds the
// setup lock and, exclusively, the servers' lock
// (storage/postgres/postgres_schema.h) for its whole length, so a server
// started meanwhile waits. The locks end when the copy returns. After the rows,
// the copy moves what PostgreSQL keeps beside them past everything copied:
// feed_head (the next event gets the next seq, a feed consumer resumes
// where it was), number_counters (ticket, card and token numbers go on),
// and the identity sequences. Each table's row count is compared in the
// same transactions; a mismatch rolls everything back.
//
// What the copy does not compare (histories, report figures) is for the
// caller, through the Store interface (app/store_comparison.h).
//
// Not thread-safe: call from one thread; it opens its own connections.
#ifndef HOTLINE_STORAGE_SQLITE_TO_POSTGRES_H_
#define HOTLINE_STORAGE_SQLITE_TO_POSTGRES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace hotline::storage {

struct CopyCounts {
  // Each table copied and its rows, in the order copied.
  std::vector<std::pair<std::string, int64_t>> tables;
  // The last event seq copied (0: none), and the next numbers.
  int64_t last_seq = 0;
  int64_t next_ticket = 0;
  int64_t next_card = 0;
  int64_t next_token = 0;
};

// Copies the SQLite file `sqlite_path` into the PostgreSQL database
// `postgres_uri`, whose tables are created when it has none.
// `time_zone` is the bureau's, as for StoreOptions. Errors:
//   NOT_FOUND          the SQLite file does not exist;
//   FAILED_PRECONDITION the destination holds hotline data already, a
//                       server runs on either database, or the databases'
//                       tables or columns differ from this build's;
//   UNAVAILABLE        PostgreSQL cannot be reached;
//   DATA_LOSS          a table's count differs after the copy (nothing is
//                      committed).
// On any error the destination is left as it was (empty), except when the
// COMMIT itself fails ("the commit of the copy failed: ..."): PostgreSQL
// may then have saved it or not.
absl::StatusOr<CopyCounts> CopySqliteToPostgres(const std::string& sqlite_path,
                                                const std::string& postgres_uri,
                                                const std::string& time_zone);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_TO_POSTGRES_H_
