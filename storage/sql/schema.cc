#include "storage/sql/schema.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "workflow/stat_facts.h"

namespace hotline::storage {
namespace {

// Migration 4 made a column for each of these counters. A new counter needs
// a new migration that adds its column to stat_counts and stat_day_changes
// (ALTER TABLE ... ADD COLUMN ... INTEGER NOT NULL DEFAULT 0).
constexpr int kCountersOfMigration4 = 15;
// Migrations 9 to 15 add the rest; a new counter needs a migration
// of its own.
constexpr int kCountersOfMigration15 = 40;
static_assert(kStatCounterCount == kCountersOfMigration15,
              "a new statistics counter needs a new shared migration that "
              "adds its column (storage/sql/schema.cc)");

// Times are UTC microseconds since the Unix epoch. A ticket's full state is
// the serialized hotline.v1.Ticket in `body`; the columns beside it copy the
// fields that lists filter and sort on, so every list is served by an index.
constexpr const char* kSharedMigrations[] = {
    // 1: tickets, their events, idempotent creates, departments, tokens.
    R"sql(
CREATE TABLE tickets (
  id          INTEGER PRIMARY KEY,
  source_id   TEXT UNIQUE,
  created_by  TEXT NOT NULL,
  state       INTEGER NOT NULL,
  department  TEXT,
  type        INTEGER NOT NULL,
  topic       TEXT NOT NULL,
  urgency     INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  body        BLOB NOT NULL
);
CREATE INDEX tickets_by_state ON tickets(state, id);
CREATE INDEX tickets_by_department ON tickets(department, state, id);
CREATE INDEX tickets_by_type ON tickets(type, id);
CREATE INDEX tickets_by_topic ON tickets(topic, id);
CREATE INDEX tickets_by_urgency ON tickets(urgency, id);
CREATE INDEX tickets_by_creator ON tickets(created_by, id);
CREATE INDEX tickets_by_received ON tickets(received_at, id);

CREATE TABLE events (
  seq        INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  time       INTEGER NOT NULL,
  type       INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  department TEXT,
  previous_department TEXT,
  body       BLOB NOT NULL
);
CREATE INDEX events_by_ticket ON events(ticket_id, seq);

CREATE TABLE create_requests (
  principal  TEXT NOT NULL,
  request_id TEXT NOT NULL,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (principal, request_id)
) WITHOUT ROWID;

CREATE TABLE departments (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  created_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tokens (
  id           INTEGER PRIMARY KEY,
  secret_hash  BLOB NOT NULL UNIQUE,
  principal    TEXT NOT NULL,
  display_name TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
);
)sql",
    // 2: deadlines and cards. next_due_at is the ticket's nearest pending
    // deadline (NULL: none), so the sweeper finds due tickets, and the time
    // to wake up, through an index that holds only open tickets.
    R"sql(
ALTER TABLE tickets ADD COLUMN next_due_at INTEGER;
CREATE INDEX tickets_by_next_due ON tickets(next_due_at)
  WHERE next_due_at IS NOT NULL;

CREATE TABLE cards (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  department  TEXT NOT NULL,
  color       INTEGER NOT NULL,
  issued_at   INTEGER NOT NULL,
  revoked_at  INTEGER,
  body        BLOB NOT NULL
);
CREATE INDEX cards_by_department ON cards(department, id);
CREATE INDEX cards_by_ticket ON cards(ticket_id, id);
CREATE INDEX cards_by_issued ON cards(issued_at, id);

CREATE TABLE policies (
  version        TEXT PRIMARY KEY,
  effective_from INTEGER NOT NULL,
  body           BLOB NOT NULL
) WITHOUT ROWID;
)sql",
    // 3: daily reports (一日一报), their settled obligations, and indexes for
    // the per-department change feed.
    R"sql(
CREATE TABLE daily_reports (
  id           {AUTO_ID},
  ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
  date         TEXT NOT NULL,
  department   TEXT NOT NULL,
  progress     TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  UNIQUE (ticket_id, date)
);
CREATE INDEX daily_reports_by_department ON daily_reports(department, date);

CREATE TABLE daily_obligations (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  date       TEXT NOT NULL,
  department TEXT NOT NULL,
  reported   INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, date)
) WITHOUT ROWID;
CREATE INDEX daily_obligations_by_department
  ON daily_obligations(department, date);

CREATE INDEX events_by_department ON events(department, seq);
CREATE INDEX events_by_previous_department ON events(previous_department, seq);
)sql",
    // 4: statistics sums (storage/sql/stat_rollup.h). {STAT_COUNTERS}: a
    // column for each of the first kCountersOfMigration4 StatCounter names of
    // workflow/stat_facts.h, in that order.
    R"sql(
CREATE TABLE stat_counts (
  kind INTEGER NOT NULL,
  a    TEXT NOT NULL,
  b    TEXT NOT NULL,
  day  INTEGER NOT NULL,
{STAT_COUNTERS}  PRIMARY KEY (kind, a, b, day)
) WITHOUT ROWID;

CREATE TABLE stat_day_changes (
  kind       INTEGER NOT NULL,
  change_day INTEGER NOT NULL,
  a          TEXT NOT NULL,
  b          TEXT NOT NULL,
  day        INTEGER NOT NULL,
{STAT_COUNTERS}  PRIMARY KEY (kind, change_day, a, b, day)
) WITHOUT ROWID;

CREATE TABLE stat_log (
  id     {AUTO_ID},
  at     INTEGER NOT NULL,
  before TEXT NOT NULL,
  after  TEXT NOT NULL
);
CREATE INDEX stat_log_by_time ON stat_log(at);

CREATE TABLE stat_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
    // 5: the service's own settings kept with the data (the rehearsal
    // clock, the calendar coverage deadlines were last computed with), and
    // the outcomes of mutating calls by request_id, so a retry returns the
    // first outcome. A request is keyed by a hash of (principal,
    // request_id); outcomes are kept for a retention period
    // (storage/sql/request_outcomes.h), the oldest purged a few at a time as
    // new ones
    // come.
    R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE request_outcomes (
  id          {AUTO_ID},
  request_key BLOB NOT NULL UNIQUE,
  method      TEXT NOT NULL,
  fingerprint BLOB NOT NULL,
  response    BLOB NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX request_outcomes_by_age ON request_outcomes(created_at);
)sql",
    // 6: tokens that are client certificate bindings (mutual TLS): the
    // certificate identity instead of a secret (their secret_hash is that of
    // a random secret no one is shown). One binding per identity that is not
    // revoked.
    R"sql(
ALTER TABLE tokens ADD COLUMN certificate_identity TEXT;
CREATE UNIQUE INDEX tokens_by_live_certificate ON tokens(certificate_identity)
  WHERE certificate_identity IS NOT NULL AND revoked_at IS NULL;
CREATE INDEX tokens_by_certificate ON tokens(certificate_identity, id)
  WHERE certificate_identity IS NOT NULL;
)sql",
    // 7: a department's tickets in id order, so that its lists without a
    // state filter read one page, not sort all of its tickets
    // (tickets_by_department, with the state between, serves the filtered
    // ones).
    R"sql(
CREATE INDEX tickets_by_department_id ON tickets(department, id);
)sql",
    // 8: first pages that stay flat as the data grows (the storage issue's
    // list benchmark): a department's daily reports in id order, and the
    // first report of a date (reports are given for the current day only,
    // so ids grow with dates: a date bound is an id bound); a department's
    // tickets by topic or urgency in id order. Events that took a ticket
    // away from a department are few: only they are indexed by it.
    R"sql(
DROP INDEX daily_reports_by_department;
CREATE INDEX daily_reports_by_department ON daily_reports(department, id);
CREATE INDEX daily_reports_by_date ON daily_reports(date, id);
CREATE INDEX tickets_by_department_topic ON tickets(department, topic, id);
CREATE INDEX tickets_by_department_urgency ON tickets(department, urgency, id);
DROP INDEX events_by_previous_department;
CREATE INDEX events_by_previous_department ON events(previous_department, seq)
  WHERE previous_department IS NOT NULL;
)sql",
    // 9: the counters added after migration 4 (workflow/stat_facts.h:
    // suspended tickets, refused returns). Older rows count zero.
    R"sql(
ALTER TABLE stat_counts ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN refused_returns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN refused_returns INTEGER NOT NULL DEFAULT 0;
)sql",
    // 10: the counter of tickets closed by a final answer (最终答复).
    R"sql(
ALTER TABLE stat_counts ADD COLUMN closed_by_final_answer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN closed_by_final_answer INTEGER NOT NULL DEFAULT 0;
)sql",
    // 11: the counters of merged tickets (并单), and of those not answered
    // yet.
    R"sql(
ALTER TABLE stat_counts ADD COLUMN merged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN merged_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN merged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN merged_open INTEGER NOT NULL DEFAULT 0;
)sql",
    // 12: assisting departments (协办): which tickets a department assists
    // (kept by the writer from Ticket.assists), which events it sees on its
    // feed (from Event.assisting_departments and assist_department), and
    // the assisting counters.
    R"sql(
CREATE TABLE ticket_assists (
  ticket_id   INTEGER NOT NULL,
  department  TEXT NOT NULL,
  PRIMARY KEY (ticket_id, department)
);
CREATE INDEX ticket_assists_by_department ON ticket_assists(department, ticket_id);
CREATE TABLE event_assists (
  department  TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (department, seq)
);
ALTER TABLE stat_counts ADD COLUMN assists INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN assist_opinions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN assist_opinions_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN assist_overdue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN assist_yellow_cards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN assist_red_cards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN assists_returned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN assists INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN assist_opinions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN assist_opinions_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN assist_overdue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN assist_yellow_cards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN assist_red_cards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN assists_returned INTEGER NOT NULL DEFAULT 0;
)sql",
    // 13: the counters of replies sent back by the bureau's review
    // (办结审核, 退回重办), in all and by reason.
    R"sql(
ALTER TABLE stat_counts ADD COLUMN replies_sent_back INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN sent_back_nonstandard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN sent_back_unresolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN sent_back_not_contacted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN sent_back_no_evidence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN sent_back_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN replies_sent_back INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN sent_back_nonstandard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN sent_back_unresolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN sent_back_not_contacted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN sent_back_no_evidence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN sent_back_other INTEGER NOT NULL DEFAULT 0;
)sql",
    // 14: urging notices (催办通知, 督办): each ticket's notices (kept by the
    // writer from Ticket.notices) for ListNotices, and their counters.
    R"sql(
CREATE TABLE ticket_notices (
  ticket_id   INTEGER NOT NULL,
  number      INTEGER NOT NULL,
  department  TEXT NOT NULL,
  level       INTEGER NOT NULL,
  state       INTEGER NOT NULL,
  due_at      INTEGER NOT NULL,
  body        BLOB NOT NULL,
  PRIMARY KEY (ticket_id, number)
);
CREATE INDEX ticket_notices_by_department ON ticket_notices(department, ticket_id, number);
CREATE INDEX ticket_notices_by_due ON ticket_notices(due_at);
ALTER TABLE stat_counts ADD COLUMN notices INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN notices_answered_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN notices_overdue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN notices_escalated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN notices INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN notices_answered_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN notices_overdue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN notices_escalated INTEGER NOT NULL DEFAULT 0;
)sql",
    // 15: the counters of callbacks (回访) closed as unreachable and of
    // appealed ratings (申诉).
    R"sql(
ALTER TABLE stat_counts ADD COLUMN callbacks_unreachable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN appeals INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_counts ADD COLUMN appeals_upheld INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN callbacks_unreachable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN appeals INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_day_changes ADD COLUMN appeals_upheld INTEGER NOT NULL DEFAULT 0;
)sql",
    // 16: a ticket's category (诉求分类) beside its body, for the list
    // filter `category`; tickets stored before have none.
    R"sql(
ALTER TABLE tickets ADD COLUMN category TEXT;
CREATE INDEX tickets_by_category ON tickets(category, id);
)sql",
    // 17: attachments (附件), beside each ticket's Ticket.attachments: which
    // blob each refers to (a blob no row names is collected) and who added
    // how much when (the daily quota). The bytes are the engine's own:
    // files beside a SQLite database, a PostgreSQL table
    // (postgres_schema.cc).
    R"sql(
CREATE TABLE ticket_attachments (
  ticket_id   INTEGER NOT NULL,
  number      INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  size_bytes  INTEGER NOT NULL,
  added_by    TEXT NOT NULL,
  added_at    INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, number)
);
CREATE INDEX ticket_attachments_by_sha256 ON ticket_attachments(sha256);
CREATE INDEX ticket_attachments_by_adder ON ticket_attachments(added_by, added_at);
)sql",
    // 18: for each hour tickets were received in (UTC, received_at /
    // 3,600,000,000), the first and the last id among them, so that a list
    // filtered by received_at walks only the ids that can match, in id
    // order (receipt_hours.h); filled from the tickets stored before. The
    // received_at index it replaces is no longer read.
    R"sql(
CREATE TABLE ticket_receipt_hours (
  hour     INTEGER PRIMARY KEY,
  first_id INTEGER NOT NULL,
  last_id  INTEGER NOT NULL
);
INSERT INTO ticket_receipt_hours (hour, first_id, last_id)
  SELECT received_at / 3600000000, MIN(id), MAX(id) FROM tickets
  GROUP BY received_at / 3600000000;
DROP INDEX tickets_by_received;
)sql",
    // 19: the statistics log in a compact form (stat_change_codec.h): each
    // change's effect on the sums, in binary, instead of the two whole text
    // vectors of stat_log. New changes go here; what stat_log holds is
    // moved here while the server serves (stat_log_conversion.h).
    R"sql(
CREATE TABLE stat_changes (
  id     {AUTO_ID},
  at     INTEGER NOT NULL,
  change BLOB NOT NULL
);
CREATE INDEX stat_changes_by_time ON stat_changes(at);
)sql",
};

// The counter columns of stat_counts and stat_day_changes, one line each.
std::string StatCounterColumns() {
  std::string columns;
  for (int i = 0; i < kCountersOfMigration4; ++i) {
    absl::StrAppend(&columns, "  ", kStatCounterNames[i],
                    " INTEGER NOT NULL DEFAULT 0,\n");
  }
  return columns;
}

}  // namespace

int SharedMigrationCount() {
  return static_cast<int>(std::size(kSharedMigrations));
}

std::string SharedMigration(int number, SqlDialect dialect) {
  if (number < 1 || number > SharedMigrationCount()) return "";
  if (dialect == SqlDialect::kSqlite) {
    return absl::StrReplaceAll(kSharedMigrations[number - 1],
                               {{"{STAT_COUNTERS}", StatCounterColumns()},
                                {"{AUTO_ID}", "INTEGER PRIMARY KEY"}});
  }
  const std::string columns =
      absl::StrReplaceAll(StatCounterColumns(), {{"INTEGER", "BIGINT"}});
  return absl::StrReplaceAll(
      kSharedMigrations[number - 1],
      {{"{STAT_COUNTERS}", columns},
       {"{AUTO_ID}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
       {"INTEGER", "BIGINT"},
       {"BLOB", "BYTEA"},
       {"TEXT", "TEXT COLLATE \"C\""},
       {" WITHOUT ROWID", ""}});
}

}  // namespace hotline::storage
