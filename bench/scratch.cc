#include "bench/scratch.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "storage/open_store.h"

namespace hotline::bench {

absl::StatusOr<std::string> MakeScratchDir(std::string dir,
                                           const std::string& name) {
  if (dir.empty()) {
    dir = getenv("TMPDIR") != nullptr ? getenv("TMPDIR") : "/tmp";
  }
  std::string pattern = absl::StrCat(dir, "/hotline-", name, "-bench-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot make a directory in ", dir));
  }
  return pattern;
}

absl::StatusOr<std::string> BureauToken(const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenStore(options);
  if (!store.ok()) return store.status();
  absl::StatusOr<v1::Token> made =
      CreateTokenDirectly(**store, "bureau", "bench", absl::Now());
  if (!made.ok()) return made.status();
  return made->secret();
}

}  // namespace hotline::bench
