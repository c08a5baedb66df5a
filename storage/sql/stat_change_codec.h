// How the statistics log (table stat_changes, stat_rollup.h) keeps one
// change: its effect on the sums, the signed contributions it adds, in a
// compact binary form. A change that keeps its key (same department, type,
// topic and day) is one contribution, its counters' difference; one that
// moves a ticket to another key is two, minus the old and plus the new.
// Only counters that are not zero are written, as (index, value) pairs, so
// a change costs about its three names and a few bytes, instead of the
// two whole vectors of 40 counters that the text log (stat_log, schema
// migrations 4 to 18) kept as text.
//
// Layout, every number a base-128 varint (signed ones zigzag-coded):
//   change        := count contribution{count}
//   contribution  := flags department type topic day(signed)
//                    pairs (index value(signed)){pairs}
//   department    := length bytes  (without "departments/" when flags & 1)
//   type, topic   := length bytes
// Decoding refuses anything else (a truncated blob, trailing bytes, a
// counter index this build does not know or given twice, a zero value, a
// varint over 64 bits): DATA_LOSS.
//
// Stateless and thread-safe.
#ifndef HOTLINE_STORAGE_SQL_STAT_CHANGE_CODEC_H_
#define HOTLINE_STORAGE_SQL_STAT_CHANGE_CODEC_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workflow/stat_facts.h"

namespace hotline::storage {

// The signed contributions `before` -> `after` adds to the sums: empty
// when it changes nothing.
std::vector<StatFacts> StatEffect(const std::optional<StatFacts>& before,
                                  const std::optional<StatFacts>& after);

std::string EncodeStatEffect(const std::vector<StatFacts>& effect);
absl::StatusOr<std::vector<StatFacts>> DecodeStatEffect(absl::string_view blob);

// A change as the text log (stat_log) kept it: `before` and `after`, each
// empty (no contribution) or department, type, topic, day and the counters,
// separated by \x1f, the strings C-escaped; changes logged before a counter
// was added have fewer counters (those count 0).
absl::StatusOr<std::vector<StatFacts>> DecodeTextStatChange(
    absl::string_view before, absl::string_view after);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_STAT_CHANGE_CODEC_H_
