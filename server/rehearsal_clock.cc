#include "server/rehearsal_clock.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "storage/queries.h"
#include "storage/settings.h"

namespace hotline {

absl::Status ResumeRehearsalClock(storage::Store& store, ManualClock& clock) {
  absl::StatusOr<int64_t> kept = store.Read<int64_t>(
      [](storage::Connection& db) -> absl::StatusOr<int64_t> {
        absl::StatusOr<std::optional<std::string>> value =
            storage::LoadSetting(db, storage::kRehearsalClockSetting);
        if (!value.ok()) return value.status();
        int64_t micros = 0;
        if (value->has_value() && !absl::SimpleAtoi(**value, &micros)) {
          return absl::DataLossError(
              absl::StrCat("the rehearsal clock kept in the database is "
                           "unreadable: \"",
                           **value, "\""));
        }
        absl::StatusOr<int64_t> latest = storage::LatestEventTimeMicros(db);
        if (!latest.ok()) return latest.status();
        return std::max(micros, *latest);
      });
  if (!kept.ok()) return kept.status();
  if (*kept == 0) return absl::OkStatus();
  const absl::Time resume = absl::FromUnixMicros(*kept);
  if (resume > clock.Now()) {
    LogInfo(absl::StrCat(
        "rehearsal clock resumes at ", absl::FormatTime(resume),
        ", where this database's rehearsal stood (--start_time is earlier)"));
    clock.Set(resume);
  } else if (resume < clock.Now()) {
    LogInfo(absl::StrCat("rehearsal clock jumps ahead to --start_time ",
                         absl::FormatTime(clock.Now()),
                         " from where this database's rehearsal stood, ",
                         absl::FormatTime(resume)));
  }
  return absl::OkStatus();
}

absl::Status KeepRehearsalClock(storage::Store& store, absl::Time now) {
  return store.WriteAndWait([now](storage::Connection& db) {
    return storage::StoreSetting(db, storage::kRehearsalClockSetting,
                                 absl::StrCat(absl::ToUnixMicros(now)));
  });
}

}  // namespace hotline
