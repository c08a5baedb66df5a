// Whether a PostgreSQL server keeps what hotline acknowledges through a
// power cut or an operating-system crash: hotline's promise (an
// acknowledged write survives) rests there on PostgreSQL's write-ahead log
// reaching the disk before a commit returns, which needs
//   fsync = on               (else nothing is forced to the disk),
//   full_page_writes = on    (else a page torn by the cut cannot be
//                             repaired from the log),
//   synchronous_commit = on  (or local, remote_write, remote_apply: off
//                             returns before the log is flushed).
// PostgresStore::Open warns when any of them is off.
#ifndef HOTLINE_STORAGE_POSTGRES_DURABILITY_SETTINGS_H_
#define HOTLINE_STORAGE_POSTGRES_DURABILITY_SETTINGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// Reads the three settings as this session sees them (a database's or a
// role's own settings included). Empty when all keep the promise; else a
// warning naming each that is off and what to set in postgresql.conf.
absl::StatusOr<std::string> DurabilityWarning(Connection& db);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_POSTGRES_DURABILITY_SETTINGS_H_
