// The deadline policies the service knows: the calendar, the category
// catalogue the server started with, the version in force, and every earlier
// version still referenced by tickets (a ticket keeps the version that set its
// deadlines; its red-card point and extension limits follow that version).
//
// Open records the requested policy in the database the first time its
// version is seen, effective from `now`; a version already recorded with
// other limits is refused, so a change can never silently rewrite history.
//
// Immutable after Open; safe for concurrent use.
#ifndef HOTLINE_APP_POLICY_REGISTRY_H_
#define HOTLINE_APP_POLICY_REGISTRY_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/store.h"
#include "workflow/calendar.h"
#include "workflow/category_catalogue.h"
#include "workflow/deadlines.h"

namespace hotline {

class PolicyRegistry final {
 public:
  static absl::StatusOr<std::unique_ptr<PolicyRegistry>> Open(
      storage::Store& store, WorkingDayCalendar calendar, v1::Policy requested,
      absl::Time now, CategoryCatalogue categories = CategoryCatalogue());

  // The policy in force, with its effective_from and the calendar fields.
  const v1::Policy& current() const { return current_; }
  DeadlineRules CurrentRules() const { return {&current_, &calendar_}; }
  // The rules of a recorded version; the current ones for an unknown or
  // empty version (tickets dispatched before deadlines existed).
  DeadlineRules RulesFor(const std::string& version) const;
  const WorkingDayCalendar& calendar() const { return calendar_; }
  // The `now` of Open: the calendar has been in force since. A deadline
  // that passed before it was acted on under the calendar before
  // (app/calendar_update.h).
  absl::Time in_force_since() const { return in_force_since_; }
  // The category catalogue (诉求分类目录) the server started with; empty
  // when it has none (every category code is then unknown).
  const CategoryCatalogue& categories() const { return categories_; }

 private:
  PolicyRegistry(WorkingDayCalendar calendar, CategoryCatalogue categories,
                 absl::Time in_force_since)
      : calendar_(std::move(calendar)),
        categories_(std::move(categories)),
        in_force_since_(in_force_since) {}

  const WorkingDayCalendar calendar_;
  const CategoryCatalogue categories_;
  const absl::Time in_force_since_;
  v1::Policy current_;
  std::map<std::string, v1::Policy> by_version_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_POLICY_REGISTRY_H_
