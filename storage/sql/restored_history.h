// Event seqs across a restore from backup.
//
// A backup holds the history up to its last seq N. Once it is restored, the
// seqs after N that the lost history had handed out must never name other
// events: a feed consumer that had read up to such a seq would resume
// silently in the middle of a different history. So:
//   - WriteBackup marks each copy with its last seq (MarkBackupCopy);
//   - the first open of a marked file (the restore) records the void
//     (N, F] with F = N + kRestoreSeqGap, makes F the floor of new seqs and
//     clears the mark (ApplyRestoreMark);
//   - new events get seqs above every event and the floor (NextEventSeq);
//   - the feed refuses an after_seq inside a void (SeqVoidContaining).
// The gap is far more events than any server writes between two backups.
// Ticket and card numbers get the same care, with a smaller gap
// (kRestoreNumberGap): a ticket or card made after the backup is gone, and
// its number, which a department's system may have kept, never names
// another one (NextTicketNumber, NextCardNumber).
//
// Not thread-safe beyond the Connection's own rule: one thread at a time.
// ApplyRestoreMark and NextEventSeq write: only on the writer's connection.
#ifndef HOTLINE_STORAGE_SQL_RESTORED_HISTORY_H_
#define HOTLINE_STORAGE_SQL_RESTORED_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

inline constexpr int64_t kRestoreSeqGap = 1'000'000'000;
inline constexpr int64_t kRestoreNumberGap = 1'000'000;

// Marks `copy`, a connection to a backup copy (not served), as taken at
// `last_seq`; the engine's backup opens it (storage/sqlite/backup.h).
absl::Status MarkBackupCopy(Connection& copy, int64_t last_seq);

// On a marked file: records the void after its last seq, raises the seq
// floor past it, raises the ticket and card number floors by
// kRestoreNumberGap past the largest numbers in the file and clears the
// mark, in one transaction; returns the seq void.
// Nothing (nullopt) on a file that is not a restored backup.
absl::StatusOr<std::optional<SeqVoid>> ApplyRestoreMark(Connection& db);

// The seq for the next event: above every event and the floor.
absl::StatusOr<int64_t> NextEventSeq(Connection& db);
// The number of the next ticket (tickets/N) and card (cards/N): above every
// one and the floor.
absl::StatusOr<int64_t> NextTicketNumber(Connection& db);
absl::StatusOr<int64_t> NextCardNumber(Connection& db);
// The number of the next token (tokens/N): above every one (tokens have no
// floor: a restored backup keeps its tokens).
absl::StatusOr<int64_t> NextTokenNumber(Connection& db);

// The void holding `seq`, if any.
absl::StatusOr<std::optional<SeqVoid>> SeqVoidContaining(Connection& db,
                                                         int64_t seq);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_RESTORED_HISTORY_H_
