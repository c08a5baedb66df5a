#include "app/policy_registry.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/policy.h"

namespace hotline {

absl::StatusOr<std::unique_ptr<PolicyRegistry>> PolicyRegistry::Open(
    storage::Store& store, WorkingDayCalendar calendar, v1::Policy requested,
    absl::Time now, CategoryCatalogue categories) {
  std::unique_ptr<PolicyRegistry> registry(
      new PolicyRegistry(std::move(calendar), std::move(categories), now));
  ASSIGN_OR_RETURN(std::vector<v1::Policy> recorded, store.LoadPolicies());
  for (v1::Policy& policy : recorded) {
    FillLaterLimits(policy);
    registry->by_version_[policy.version()] = policy;
  }
  auto found = registry->by_version_.find(requested.version());
  if (found != registry->by_version_.end()) {
    if (!SameLimits(found->second, requested)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "policy version \"", requested.version(),
          "\" is already recorded with other limits; give the changed policy "
          "a new version so that tickets keep the rules they were given"));
    }
    requested = found->second;
  } else {
    *requested.mutable_effective_from() = ToProtoTime(now);
    storage::ChangeSet changes;
    changes.policies.push_back(requested);
    RETURN_IF_ERROR(store.CommitAndWait(std::move(changes)));
    registry->by_version_[requested.version()] = requested;
  }
  requested.set_time_zone(registry->calendar_.zone().name());
  requested.set_calendar_covered_through(
      absl::FormatCivilTime(registry->calendar_.covered_through()));
  registry->current_ = requested;
  return registry;
}

DeadlineRules PolicyRegistry::RulesFor(const std::string& version) const {
  auto it = by_version_.find(version);
  if (it == by_version_.end() || version == current_.version()) {
    return CurrentRules();
  }
  return {&it->second, &calendar_};
}

}  // namespace hotline
