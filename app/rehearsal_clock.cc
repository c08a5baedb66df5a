#include "app/rehearsal_clock.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/store.h"

namespace hotline {

absl::Status ResumeRehearsalClock(storage::Store& store, ManualClock& clock) {
  absl::StatusOr<int64_t> kept = [&]() -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<std::string> value,
                     store.LoadSetting(storage::kRehearsalClockSetting));
    int64_t micros = 0;
    if (value.has_value() && !absl::SimpleAtoi(*value, &micros)) {
      return absl::DataLossError(
          absl::StrCat("the rehearsal clock kept in the database is "
                       "unreadable: \"",
                       *value, "\""));
    }
    ASSIGN_OR_RETURN(int64_t latest, store.LatestEventTimeMicros());
    return std::max(micros, latest);
  }();
  RETURN_IF_ERROR(kept.status());
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
  storage::ChangeSet changes;
  changes.settings.emplace_back(storage::kRehearsalClockSetting,
                                absl::StrCat(absl::ToUnixMicros(now)));
  return store.CommitAndWait(std::move(changes));
}

}  // namespace hotline
