// The dispatch catalogue's versions (派单目录) as kept with the data: in the
// store's settings (storage/records.h names the keys), one whole catalogue
// a version, written with the change that makes it, so that a version is
// never half there; and the current version kept in memory for dispatches
// (CurrentDispatchCatalogue).
//
// The functions are stateless and thread-safe (as thread-safe as the
// store).
#ifndef HOTLINE_APP_DISPATCH_CATALOGUE_VERSIONS_H_
#define HOTLINE_APP_DISPATCH_CATALOGUE_VERSIONS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/change_set.h"
#include "storage/store.h"

namespace hotline {

// The number of the current version; 0 before the first update.
absl::StatusOr<int64_t> CurrentDispatchCatalogueVersion(storage::Store& store);

// A version (without its history); `version` 0: the current one (an empty
// catalogue of version 0 before the first update). NOT_FOUND for a version
// that was never made.
absl::StatusOr<v1::DispatchCatalogue> LoadDispatchCatalogue(
    storage::Store& store, int64_t version);

// The current version, for every dispatch and suggestion: each Get reads
// the current version's number (one setting) and reads and parses the
// version itself only when that number changed, so a dispatch costs one
// small read however large the catalogue. Versions never change once
// made, so a version kept is never stale, on one server or several.
//
// Thread-safe.
class CurrentDispatchCatalogue final {
 public:
  absl::StatusOr<std::shared_ptr<const v1::DispatchCatalogue>> Get(
      storage::Store& store);

 private:
  absl::Mutex mutex_;
  std::shared_ptr<const v1::DispatchCatalogue> kept_ ABSL_GUARDED_BY(mutex_);
};

// Every version's summary, oldest first (one setting, however many
// versions).
absl::StatusOr<std::vector<v1::DispatchCatalogueVersion>>
LoadDispatchCatalogueHistory(storage::Store& store);

// Writes `catalogue` (its version the current one plus one), its summary in
// the history, and makes it current, in `changes`.
absl::Status SaveDispatchCatalogue(storage::Store& store,
                                   const v1::DispatchCatalogue& catalogue,
                                   storage::ChangeSet& changes);

}  // namespace hotline

#endif  // HOTLINE_APP_DISPATCH_CATALOGUE_VERSIONS_H_
