// The service's own settings kept with its data, as text under a key: the
// rehearsal clock's instant ("rehearsal_clock", UTC microseconds) and the
// last date of the calendar that deadlines were last computed with
// ("calendar_covered_through", YYYY-MM-DD). Kept in the database so that
// they survive restarts with the data they describe.
//
// Not thread-safe beyond the Connection's own rule: one thread at a time.
// Writes only inside a write unit (writer.h).
#ifndef HOTLINE_STORAGE_SQL_SETTINGS_H_
#define HOTLINE_STORAGE_SQL_SETTINGS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// The value stored under `key`, or nullopt.
absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& db,
                                                       const std::string& key);
// Stores `value` under `key`, replacing what was there.
absl::Status StoreSetting(Connection& db, const std::string& key,
                          const std::string& value);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_SETTINGS_H_
