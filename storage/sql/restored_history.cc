#include "storage/sql/restored_history.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "storage/sql/queries.h"
#include "storage/sql/settings.h"

namespace hotline::storage {
namespace {

// The last seq of the backup this file is (set in copies only).
constexpr char kBackupLastSeqSetting[] = "backup_last_seq";
// New events get seqs above this.
constexpr char kSeqFloorSetting[] = "event_seq_floor";
// The voids, "first-last" joined by commas.
constexpr char kSeqVoidsSetting[] = "event_seq_voids";
// New tickets and cards get numbers above these.
constexpr char kTicketFloorSetting[] = "ticket_number_floor";
constexpr char kCardFloorSetting[] = "card_number_floor";

// Above the largest of `table`'s ids and the floor under `floor_key`.
absl::StatusOr<int64_t> NextNumber(Connection& db, const std::string& table,
                                   const char* floor_key);

// Raises the floor under `floor_key` to kRestoreNumberGap past the largest
// of `table`'s ids and the floor.
absl::Status RaiseNumberFloor(Connection& db, const std::string& table,
                              const char* floor_key);

absl::StatusOr<int64_t> IntSetting(Connection& db, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, LoadSetting(db, key));
  int64_t value = 0;
  if (text.has_value() && !absl::SimpleAtoi(*text, &value)) {
    return absl::DataLossError(
        absl::StrCat("setting ", key, " is not a number: ", *text));
  }
  return value;
}

absl::StatusOr<std::vector<SeqVoid>> LoadVoids(Connection& db) {
  ASSIGN_OR_RETURN(std::optional<std::string> text,
                   LoadSetting(db, kSeqVoidsSetting));
  std::vector<SeqVoid> voids;
  if (!text.has_value()) return voids;
  for (absl::string_view range : absl::StrSplit(*text, ',')) {
    std::vector<absl::string_view> ends = absl::StrSplit(range, '-');
    SeqVoid v;
    if (ends.size() != 2 || !absl::SimpleAtoi(ends[0], &v.first) ||
        !absl::SimpleAtoi(ends[1], &v.last)) {
      return absl::DataLossError(
          absl::StrCat("setting ", kSeqVoidsSetting, " is malformed: ", *text));
    }
    voids.push_back(v);
  }
  return voids;
}

absl::StatusOr<int64_t> NextNumber(Connection& db, const std::string& table,
                                   const char* floor_key) {
  ASSIGN_OR_RETURN(
      int64_t largest,
      db.QueryInt64(absl::StrCat("SELECT COALESCE(MAX(id), 0) FROM ", table)));
  ASSIGN_OR_RETURN(int64_t floor, IntSetting(db, floor_key));
  return std::max(largest, floor) + 1;
}

absl::Status RaiseNumberFloor(Connection& db, const std::string& table,
                              const char* floor_key) {
  ASSIGN_OR_RETURN(int64_t next, NextNumber(db, table, floor_key));
  return StoreSetting(db, floor_key,
                      absl::StrCat(next - 1 + kRestoreNumberGap));
}

}  // namespace

absl::Status MarkBackupCopy(Connection& copy, int64_t last_seq) {
  return StoreSetting(copy, kBackupLastSeqSetting, absl::StrCat(last_seq));
}

absl::StatusOr<std::optional<SeqVoid>> ApplyRestoreMark(Connection& db) {
  ASSIGN_OR_RETURN(std::optional<std::string> mark,
                   LoadSetting(db, kBackupLastSeqSetting));
  if (!mark.has_value()) return std::optional<SeqVoid>();
  int64_t last_seq = 0;
  if (!absl::SimpleAtoi(*mark, &last_seq)) {
    return absl::DataLossError(absl::StrCat("setting ", kBackupLastSeqSetting,
                                            " is not a number: ", *mark));
  }
  RETURN_IF_ERROR(db.BeginWrite());
  auto apply = [&]() -> absl::StatusOr<SeqVoid> {
    ASSIGN_OR_RETURN(int64_t floor, IntSetting(db, kSeqFloorSetting));
    ASSIGN_OR_RETURN(std::optional<std::string> voids,
                     LoadSetting(db, kSeqVoidsSetting));
    SeqVoid made{last_seq + 1, std::max(last_seq, floor) + kRestoreSeqGap};
    const std::string range = absl::StrCat(made.first, "-", made.last);
    RETURN_IF_ERROR(StoreSetting(
        db, kSeqVoidsSetting,
        voids.has_value() ? absl::StrCat(*voids, ",", range) : range));
    RETURN_IF_ERROR(
        StoreSetting(db, kSeqFloorSetting, absl::StrCat(made.last)));
    RETURN_IF_ERROR(RaiseNumberFloor(db, "tickets", kTicketFloorSetting));
    RETURN_IF_ERROR(RaiseNumberFloor(db, "cards", kCardFloorSetting));
    ASSIGN_OR_RETURN(Statement clear,
                     db.Prepare("DELETE FROM settings WHERE key = ?"));
    clear.BindText(1, kBackupLastSeqSetting);
    RETURN_IF_ERROR(clear.Run());
    RETURN_IF_ERROR(db.Execute("COMMIT"));
    return made;
  };
  absl::StatusOr<SeqVoid> made = apply();
  if (!made.ok()) {
    db.Execute("ROLLBACK").IgnoreError();
    return made.status();
  }
  return std::optional<SeqVoid>(*made);
}

absl::StatusOr<int64_t> NextEventSeq(Connection& db) {
  ASSIGN_OR_RETURN(int64_t latest, LatestSeq(db));
  ASSIGN_OR_RETURN(int64_t floor, IntSetting(db, kSeqFloorSetting));
  return std::max(latest, floor) + 1;
}

absl::StatusOr<int64_t> NextTicketNumber(Connection& db) {
  return NextNumber(db, "tickets", kTicketFloorSetting);
}

absl::StatusOr<int64_t> NextCardNumber(Connection& db) {
  return NextNumber(db, "cards", kCardFloorSetting);
}

absl::StatusOr<int64_t> NextTokenNumber(Connection& db) {
  return db.QueryInt64("SELECT COALESCE(MAX(id), 0) + 1 FROM tokens");
}

absl::StatusOr<std::optional<SeqVoid>> SeqVoidContaining(Connection& db,
                                                         int64_t seq) {
  ASSIGN_OR_RETURN(std::vector<SeqVoid> voids, LoadVoids(db));
  for (const SeqVoid& v : voids) {
    if (seq >= v.first && seq <= v.last) return std::optional<SeqVoid>(v);
  }
  return std::optional<SeqVoid>();
}

}  // namespace hotline::storage
