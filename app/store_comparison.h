// Whether two stores hold the same hotline, as its users would read it:
// the check after a copy (storage/sqlite_to_postgres.h) that nothing was
// lost or changed on the way.
//
// Compared, through the Store interface only (so any two engines):
//   - the whole change feed, event by event (seq, time, actor, body);
//   - every ticket, and every ticket's own history (its events);
//   - every card, department, token, policy and daily report (一日一报);
//   - the statistics report (StatisticsService, as the bureau): the whole
//     period from the first ticket's day through today, each calendar
//     month of it, each department's, each ticket type's, with every topic
//     listed; all as of the same instant.
// The first difference ends the comparison with FAILED_PRECONDITION,
// naming what differs and showing both sides.
//
// Thread-safe as the stores are; meant for stores nothing writes to
// meanwhile.
#ifndef HOTLINE_APP_STORE_COMPARISON_H_
#define HOTLINE_APP_STORE_COMPARISON_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace hotline {

struct ComparedCounts {
  int64_t events = 0;
  int64_t tickets = 0;
  int64_t cards = 0;
  int64_t departments = 0;
  int64_t tokens = 0;
  int64_t policies = 0;
  int64_t daily_reports = 0;
  // Statistics answers compared (each a whole GetStatistics response).
  int64_t reports = 0;
};

// Compares `a` with `b`; `zone` is the bureau's time zone and `now` the
// instant the reports are as of (the same for both).
absl::StatusOr<ComparedCounts> CompareStores(storage::Store& a,
                                             storage::Store& b,
                                             absl::TimeZone zone,
                                             absl::Time now);

}  // namespace hotline

#endif  // HOTLINE_APP_STORE_COMPARISON_H_
