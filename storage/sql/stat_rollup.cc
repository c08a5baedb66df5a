#include "storage/sql/stat_rollup.h"

#include <array>
#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/sql/rows.h"
#include "storage/sql/stat_change_codec.h"

namespace hotline::storage {
namespace {

struct StatKey {
  StatKind kind;
  std::string a;
  std::string b;
};

// The rows one contribution is counted in, one per StatKind.
std::array<StatKey, kStatKindCount> KeysOf(const StatFacts& f) {
  return {{
      {kStatAll, "", ""},
      {kStatDepartment, f.department, ""},
      {kStatType, f.type, ""},
      {kStatTopic, f.topic, ""},
      {kStatDeptTopic, f.department, f.topic},
      {kStatTypeDept, f.type, f.department},
      {kStatTypeTopic, f.type, f.topic},
      {kStatTopicDept, f.topic, f.department},
  }};
}

std::string CounterColumns(absl::string_view prefix, absl::string_view suffix) {
  std::vector<std::string> columns;
  for (const char* name : kStatCounterNames) {
    columns.push_back(absl::StrCat(prefix, name, suffix));
  }
  return absl::StrJoin(columns, ", ");
}

// INSERT ... ON CONFLICT DO UPDATE adding the counters to one row of
// `table`, whose key columns are `key_columns`.
std::string AddSql(absl::string_view table, absl::string_view key_columns,
                   int key_count) {
  std::vector<std::string> updates;
  for (const char* name : kStatCounterNames) {
    updates.push_back(
        absl::StrCat(name, " = ", table, ".", name, " + excluded.", name));
  }
  std::vector<std::string> params(key_count + kStatCounterCount, "?");
  return absl::StrCat(
      "INSERT INTO ", table, " (", key_columns, ", ", CounterColumns("", ""),
      ") VALUES (", absl::StrJoin(params, ", "), ") ON CONFLICT (", key_columns,
      ") DO UPDATE SET ", absl::StrJoin(updates, ", "));
}

// Adds `counts` to one row of stat_counts, or of stat_day_changes when
// `change_day` is set.
absl::Status AddToRow(Connection& db, const StatKey& key, int64_t day,
                      std::optional<int64_t> change_day,
                      const StatVector& counts) {
  static const std::string* const kCounts =
      new std::string(AddSql("stat_counts", "kind, a, b, day", 4));
  static const std::string* const kDayChanges = new std::string(
      AddSql("stat_day_changes", "kind, change_day, a, b, day", 5));
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare(change_day ? *kDayChanges : *kCounts));
  int index = 1;
  stmt.BindInt64(index++, key.kind);
  if (change_day) stmt.BindInt64(index++, *change_day);
  stmt.BindText(index++, key.a);
  stmt.BindText(index++, key.b);
  stmt.BindInt64(index++, day);
  for (int64_t value : counts.c) stmt.BindInt64(index++, value);
  return stmt.Run();
}

// Calls `add(key, day, signed counts)` for every sum row `effect`
// (StatEffect) touches.
template <typename Add>
absl::Status ForEachSumRow(const std::vector<StatFacts>& effect, Add add) {
  for (const StatFacts& contribution : effect) {
    for (const StatKey& key : KeysOf(contribution)) {
      RETURN_IF_ERROR(add(key, contribution.day, contribution.counts));
    }
  }
  return absl::OkStatus();
}

// Logs one change (EncodeStatEffect) that took effect at `at_micros`.
absl::Status InsertStatChange(Connection& db, int64_t at_micros,
                              const std::string& change) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO stat_changes (at, change) VALUES (?, ?)"));
  stmt.BindInt64(1, at_micros);
  stmt.BindBlob(2, change);
  return stmt.Run();
}

// Calls `each` with the effect of every change `select` (a query of
// [from, until) in microseconds) returns, decoded from its row by `decode`.
template <typename Decode, typename Each>
absl::Status ForEachLoggedEffect(Connection& db, const char* select,
                                 int64_t from, int64_t until, Decode decode,
                                 Each each) {
  ASSIGN_OR_RETURN(Statement log, db.Prepare(select));
  log.BindInt64(1, from);
  log.BindInt64(2, until);
  while (true) {
    ASSIGN_OR_RETURN(bool row, log.Step());
    if (!row) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::vector<StatFacts> effect, decode(log));
    RETURN_IF_ERROR(each(effect));
  }
}

// Counts every ticket, card and settled daily report already stored (by a
// schema older than the statistics tables), each from when it began.
absl::Status RecountStoredRows(Connection& db, absl::TimeZone zone) {
  RETURN_IF_ERROR(ForEachRow(
      db, "SELECT body FROM tickets",
      [&](const Statement& row) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Ticket t, ParseBody<v1::Ticket>(row, 0, "ticket"));
        return RecordTicketStats(db, nullptr, t);
      }));
  // Each return for the department that returned the ticket, from the
  // RETURNED events (workflow/stat_facts.h).
  RETURN_IF_ERROR(ForEachRow(
      db,
      absl::StrCat("SELECT e.time, e.previous_department, t.body FROM "
                   "events e JOIN tickets t ON t.id = e.ticket_id WHERE "
                   "e.type = ",
                   static_cast<int>(v1::Event::RETURNED)),
      [&](const Statement& row) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Ticket t, ParseBody<v1::Ticket>(row, 2, "ticket"));
        return RecordStatChange(
            db, {absl::FromUnixMicros(row.ColumnInt64(0)), std::nullopt,
                 ReturnFacts(t, row.ColumnText(1), zone)});
      }));
  RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT c.body, t.type, t.topic FROM cards c JOIN tickets t ON t.id "
      "= c.ticket_id",
      [&](const Statement& row) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Card card, ParseBody<v1::Card>(row, 0, "card"));
        std::optional<StatFacts> facts =
            CardFacts(card, static_cast<v1::Ticket::Type>(row.ColumnInt64(1)),
                      row.ColumnText(2), zone);
        if (!facts) return absl::OkStatus();
        return RecordStatChange(db, {FromProtoTime(card.issue_time()),
                                     std::nullopt, std::move(facts)});
      }));
  return ForEachRow(
      db,
      "SELECT o.date, o.department, o.reported, t.type, t.topic FROM "
      "daily_obligations o JOIN tickets t ON t.id = o.ticket_id",
      [&](const Statement& row) {
        return RecordStatChange(
            db,
            ObligationStatChange(
                row.ColumnText(0), row.ColumnText(1), row.ColumnInt64(2) != 0,
                static_cast<v1::Ticket::Type>(row.ColumnInt64(3)),
                row.ColumnText(4), zone));
      });
}

}  // namespace

void StatBatch::Add(const TimedFacts& change) {
  const std::vector<StatFacts> effect = StatEffect(change.before, change.after);
  if (effect.empty()) return;
  const int64_t change_day = DayNumber(absl::ToCivilDay(change.at, zone_));
  ForEachSumRow(effect, [&](const StatKey& key, int64_t day,
                            const StatVector& counts) {
    counts_[{key.kind, key.a, key.b, day}] += counts;
    day_changes_[{key.kind, change_day, key.a, key.b, day}] += counts;
    return absl::OkStatus();
  }).IgnoreError();
  log_.push_back({absl::ToUnixMicros(change.at), EncodeStatEffect(effect)});
}

void StatBatch::Clear() {
  counts_.clear();
  day_changes_.clear();
  log_.clear();
}

absl::Status StatBatch::Write(Connection& db) const {
  for (const auto& [key, counts] : counts_) {
    if (counts.IsZero()) continue;
    const StatKey row{static_cast<StatKind>(std::get<0>(key)), std::get<1>(key),
                      std::get<2>(key)};
    RETURN_IF_ERROR(AddToRow(db, row, std::get<3>(key), std::nullopt, counts));
  }
  for (const auto& [key, counts] : day_changes_) {
    if (counts.IsZero()) continue;
    const StatKey row{static_cast<StatKind>(std::get<0>(key)), std::get<2>(key),
                      std::get<3>(key)};
    RETURN_IF_ERROR(
        AddToRow(db, row, std::get<4>(key), std::get<1>(key), counts));
  }
  for (const LogRow& entry : log_) {
    RETURN_IF_ERROR(InsertStatChange(db, entry.at_micros, entry.change));
  }
  return absl::OkStatus();
}

absl::StatusOr<MovedStatLog> MoveTextStatLog(Connection& db, int limit) {
  std::vector<std::pair<int64_t, std::string>> rows;  // at, change
  MovedStatLog moved;
  int64_t first_id = 0;
  {
    ASSIGN_OR_RETURN(Statement read,
                     db.Prepare("SELECT id, at, before, after FROM stat_log "
                                "ORDER BY id LIMIT ?"));
    read.BindInt64(1, limit);
    while (true) {
      ASSIGN_OR_RETURN(bool row, read.Step());
      if (!row) break;
      if (moved.rows++ == 0) first_id = read.ColumnInt64(0);
      moved.last_id = read.ColumnInt64(0);
      absl::StatusOr<std::vector<StatFacts>> decoded =
          DecodeTextStatChange(read.ColumnText(2), read.ColumnText(3));
      if (!decoded.ok()) {
        // Not DATA_LOSS: that would mark the whole store damaged at every
        // start for one row only an as-of figure of its day reads.
        return absl::FailedPreconditionError(absl::StrCat(
            "row ", read.ColumnInt64(0), " of stat_log cannot be read (",
            decoded.status().message(), "); it stays where it is"));
      }
      const std::vector<StatFacts>& effect = *decoded;
      if (!effect.empty()) {
        rows.emplace_back(read.ColumnInt64(1), EncodeStatEffect(effect));
      }
    }
  }
  if (moved.rows == 0) return moved;
  ASSIGN_OR_RETURN(
      Statement remove,
      db.Prepare("DELETE FROM stat_log WHERE id >= ? AND id <= ?"));
  remove.BindInt64(1, first_id);
  remove.BindInt64(2, moved.last_id);
  RETURN_IF_ERROR(remove.Run());
  if (db.Changes() != moved.rows) {
    return absl::AbortedError(
        "another process moved part of the statistics log first");
  }
  for (const auto& [at, change] : rows) {
    RETURN_IF_ERROR(InsertStatChange(db, at, change));
  }
  return moved;
}

absl::Status RecordStatChange(Connection& db, const TimedFacts& change) {
  StatBatch batch(db.zone());
  batch.Add(change);
  return batch.Write(db);
}

absl::Status RecordTicketStats(Connection& db, const v1::Ticket* before,
                               const v1::Ticket& after) {
  for (const TimedFacts& change : TicketStatChanges(before, after, db.zone())) {
    RETURN_IF_ERROR(RecordStatChange(db, change));
  }
  return absl::OkStatus();
}

absl::Status PrepareStatistics(Connection& db, absl::TimeZone zone) {
  db.set_zone(zone);
  ASSIGN_OR_RETURN(
      Statement read,
      db.Prepare("SELECT value FROM stat_meta WHERE key = 'time_zone'"));
  ASSIGN_OR_RETURN(bool row, read.Step());
  if (row) {
    const std::string recorded = read.ColumnText(0);
    if (recorded != zone.name()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the statistics in this database count days in ", recorded, ", not ",
          zone.name(), "; start the server with --time_zone=", recorded));
    }
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(db.BeginWrite());
  auto fail = [&](absl::Status status) {
    db.Execute("ROLLBACK").IgnoreError();
    return status;
  };
  absl::StatusOr<Statement> record =
      db.Prepare("INSERT INTO stat_meta (key, value) VALUES ('time_zone', ?)");
  if (!record.ok()) return fail(record.status());
  record->BindText(1, zone.name());
  if (absl::Status s = record->Run(); !s.ok()) return fail(s);

  if (absl::Status s = RecountStoredRows(db, zone); !s.ok()) return fail(s);
  return db.Execute("COMMIT");
}

absl::StatusOr<StatSums> SumStats(Connection& db, const StatSumQuery& q) {
  const char* group = q.group == StatSumQuery::kByDay ? "day"
                      : q.group == StatSumQuery::kByA ? "a"
                                                      : "b";
  const std::string sums = CounterColumns("SUM(", ")");
  StatSums out;
  auto collect = [&](Statement& stmt, int sign) -> absl::Status {
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return absl::OkStatus();
      StatVector& v = out[stmt.ColumnText(0)];
      for (int i = 0; i < kStatCounterCount; ++i) {
        v.c[i] += sign * stmt.ColumnInt64(i + 1);
      }
    }
  };
  const std::string filter =
      absl::StrCat(q.a ? " AND a = ?" : "", " AND day >= ? AND day < ?");
  {
    ASSIGN_OR_RETURN(Statement stmt,
                     db.Prepare(absl::StrCat("SELECT ", group, ", ", sums,
                                             " FROM stat_counts WHERE kind = ?",
                                             filter, " GROUP BY ", group)));
    int index = 1;
    stmt.BindInt64(index++, q.kind);
    if (q.a) stmt.BindText(index++, *q.a);
    stmt.BindInt64(index++, q.from_day);
    stmt.BindInt64(index++, q.to_day);
    RETURN_IF_ERROR(collect(stmt, 1));
  }
  if (!q.as_of) return out;
  // Take back what changed at or after the as-of instant: whole days from
  // the day sums, the rest of the as-of day from the log.
  const bool at_day_start = *q.as_of == q.as_of_day_start;
  {
    ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(absl::StrCat(
            "SELECT ", group, ", ", sums,
            " FROM stat_day_changes WHERE kind = ? AND change_day >= ?", filter,
            " GROUP BY ", group)));
    int index = 1;
    stmt.BindInt64(index++, q.kind);
    stmt.BindInt64(index++, at_day_start ? q.as_of_day : q.as_of_day + 1);
    if (q.a) stmt.BindText(index++, *q.a);
    stmt.BindInt64(index++, q.from_day);
    stmt.BindInt64(index++, q.to_day);
    RETURN_IF_ERROR(collect(stmt, -1));
  }
  if (at_day_start) return out;
  auto take_back = [&](const std::vector<StatFacts>& effect) {
    return ForEachSumRow(
        effect, [&](const StatKey& key, int64_t day, const StatVector& counts) {
          if (key.kind != q.kind || (q.a && key.a != *q.a) ||
              day < q.from_day || day >= q.to_day) {
            return absl::OkStatus();
          }
          const std::string group_key = q.group == StatSumQuery::kByDay
                                            ? absl::StrCat(day)
                                        : q.group == StatSumQuery::kByA ? key.a
                                                                        : key.b;
          out[group_key] -= counts;
          return absl::OkStatus();
        });
  };
  // The compact log, and what is left of the text log of schema 4 to 18
  // (stat_log_conversion.h moves it to the compact one).
  const int64_t from = absl::ToUnixMicros(*q.as_of);
  const int64_t until = absl::ToUnixMicros(q.as_of_next_day_start);
  RETURN_IF_ERROR(ForEachLoggedEffect(
      db, "SELECT change FROM stat_changes WHERE at >= ? AND at < ?", from,
      until,
      [](const Statement& row) { return DecodeStatEffect(row.ColumnBlob(0)); },
      take_back));
  RETURN_IF_ERROR(ForEachLoggedEffect(
      db, "SELECT before, after FROM stat_log WHERE at >= ? AND at < ?", from,
      until,
      [](const Statement& row) {
        return DecodeTextStatChange(row.ColumnText(0), row.ColumnText(1));
      },
      take_back));
  return out;
}

absl::StatusOr<std::vector<StatSums>> SumStatsTogether(
    Connection& db, const std::vector<StatSumQuery>& queries) {
  RETURN_IF_ERROR(db.BeginRead());
  std::vector<StatSums> out;
  for (const StatSumQuery& query : queries) {
    absl::StatusOr<StatSums> sums = SumStats(db, query);
    if (!sums.ok()) {
      db.Execute("ROLLBACK").IgnoreError();
      return sums.status();
    }
    out.push_back(*std::move(sums));
  }
  RETURN_IF_ERROR(db.Execute("COMMIT"));
  return out;
}

}  // namespace hotline::storage
