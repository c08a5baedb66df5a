// What the benches that start the server in their own process share: a
// scratch directory of their own, and a bureau token made in a new
// database there before the server opens it.
//
//   ASSIGN_OR_RETURN(std::string work, MakeScratchDir(flag_dir, "notify"));
//   ASSIGN_OR_RETURN(std::string token, BureauToken(work + "/bench.db"));
//
// Stateless; thread-safe.
#ifndef HOTLINE_BENCH_SCRATCH_H_
#define HOTLINE_BENCH_SCRATCH_H_

#include <string>

#include "absl/status/statusor.h"

namespace hotline::bench {

// A new directory "hotline-<name>-bench-XXXXXX" in `dir` (empty: $TMPDIR,
// else /tmp).
absl::StatusOr<std::string> MakeScratchDir(std::string dir,
                                           const std::string& name);

// Creates the SQLite database `path` and a bureau token in it; its secret.
absl::StatusOr<std::string> BureauToken(const std::string& path);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_SCRATCH_H_
