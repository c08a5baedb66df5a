PRAGMA user_version = 8;
PRAGMA application_id = 1213158476;

-- table cards on cards
CREATE TABLE cards (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  department  TEXT NOT NULL,
  color       INTEGER NOT NULL,
  issued_at   INTEGER NOT NULL,
  revoked_at  INTEGER,
  body        BLOB NOT NULL
);

-- index cards_by_department on cards
CREATE INDEX cards_by_department ON cards(department, id);

-- index cards_by_issued on cards
CREATE INDEX cards_by_issued ON cards(issued_at, id);

-- index cards_by_ticket on cards
CREATE INDEX cards_by_ticket ON cards(ticket_id, id);

-- table create_requests on create_requests
CREATE TABLE create_requests (
  principal  TEXT NOT NULL,
  request_id TEXT NOT NULL,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (principal, request_id)
) WITHOUT ROWID;

-- table daily_obligations on daily_obligations
CREATE TABLE daily_obligations (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  date       TEXT NOT NULL,
  department TEXT NOT NULL,
  reported   INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, date)
) WITHOUT ROWID;

-- index daily_obligations_by_department on daily_obligations
CREATE INDEX daily_obligations_by_department
  ON daily_obligations(department, date);

-- table daily_reports on daily_reports
CREATE TABLE daily_reports (
  id           INTEGER PRIMARY KEY,
  ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
  date         TEXT NOT NULL,
  department   TEXT NOT NULL,
  progress     TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  UNIQUE (ticket_id, date)
);

-- index daily_reports_by_date on daily_reports
CREATE INDEX daily_reports_by_date ON daily_reports(date, id);

-- index daily_reports_by_department on daily_reports
CREATE INDEX daily_reports_by_department ON daily_reports(department, id);

-- table departments on departments
CREATE TABLE departments (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  created_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- table events on events
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

-- index events_by_department on events
CREATE INDEX events_by_department ON events(department, seq);

-- index events_by_previous_department on events
CREATE INDEX events_by_previous_department ON events(previous_department, seq)
  WHERE previous_department IS NOT NULL;

-- index events_by_ticket on events
CREATE INDEX events_by_ticket ON events(ticket_id, seq);

-- table policies on policies
CREATE TABLE policies (
  version        TEXT PRIMARY KEY,
  effective_from INTEGER NOT NULL,
  body           BLOB NOT NULL
) WITHOUT ROWID;

-- table request_outcomes on request_outcomes
CREATE TABLE request_outcomes (
  id          INTEGER PRIMARY KEY,
  request_key BLOB NOT NULL UNIQUE,
  method      TEXT NOT NULL,
  fingerprint BLOB NOT NULL,
  response    BLOB NOT NULL,
  created_at  INTEGER NOT NULL
);

-- index request_outcomes_by_age on request_outcomes
CREATE INDEX request_outcomes_by_age ON request_outcomes(created_at);

-- table settings on settings
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- index sqlite_autoindex_daily_reports_1 on daily_reports

-- index sqlite_autoindex_request_outcomes_1 on request_outcomes

-- index sqlite_autoindex_stat_meta_1 on stat_meta

-- index sqlite_autoindex_tickets_1 on tickets

-- index sqlite_autoindex_tokens_1 on tokens

-- table stat_counts on stat_counts
CREATE TABLE stat_counts (
  kind INTEGER NOT NULL,
  a    TEXT NOT NULL,
  b    TEXT NOT NULL,
  day  INTEGER NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  forwarded INTEGER NOT NULL DEFAULT 0,
  replied INTEGER NOT NULL DEFAULT 0,
  replied_on_time INTEGER NOT NULL DEFAULT 0,
  pending_overdue INTEGER NOT NULL DEFAULT 0,
  returns INTEGER NOT NULL DEFAULT 0,
  reopens INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  basically_satisfied INTEGER NOT NULL DEFAULT 0,
  dissatisfied INTEGER NOT NULL DEFAULT 0,
  yellow_cards INTEGER NOT NULL DEFAULT 0,
  red_cards INTEGER NOT NULL DEFAULT 0,
  reports_owed INTEGER NOT NULL DEFAULT 0,
  reports_given INTEGER NOT NULL DEFAULT 0,
  reports_missed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, a, b, day)
) WITHOUT ROWID;

-- table stat_day_changes on stat_day_changes
CREATE TABLE stat_day_changes (
  kind       INTEGER NOT NULL,
  change_day INTEGER NOT NULL,
  a          TEXT NOT NULL,
  b          TEXT NOT NULL,
  day        INTEGER NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  forwarded INTEGER NOT NULL DEFAULT 0,
  replied INTEGER NOT NULL DEFAULT 0,
  replied_on_time INTEGER NOT NULL DEFAULT 0,
  pending_overdue INTEGER NOT NULL DEFAULT 0,
  returns INTEGER NOT NULL DEFAULT 0,
  reopens INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  basically_satisfied INTEGER NOT NULL DEFAULT 0,
  dissatisfied INTEGER NOT NULL DEFAULT 0,
  yellow_cards INTEGER NOT NULL DEFAULT 0,
  red_cards INTEGER NOT NULL DEFAULT 0,
  reports_owed INTEGER NOT NULL DEFAULT 0,
  reports_given INTEGER NOT NULL DEFAULT 0,
  reports_missed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, change_day, a, b, day)
) WITHOUT ROWID;

-- table stat_log on stat_log
CREATE TABLE stat_log (
  id     INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  before TEXT NOT NULL,
  after  TEXT NOT NULL
);

-- index stat_log_by_time on stat_log
CREATE INDEX stat_log_by_time ON stat_log(at);

-- table stat_meta on stat_meta
CREATE TABLE stat_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- table tickets on tickets
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
, next_due_at INTEGER);

-- index tickets_by_creator on tickets
CREATE INDEX tickets_by_creator ON tickets(created_by, id);

-- index tickets_by_department on tickets
CREATE INDEX tickets_by_department ON tickets(department, state, id);

-- index tickets_by_department_id on tickets
CREATE INDEX tickets_by_department_id ON tickets(department, id);

-- index tickets_by_department_topic on tickets
CREATE INDEX tickets_by_department_topic ON tickets(department, topic, id);

-- index tickets_by_department_urgency on tickets
CREATE INDEX tickets_by_department_urgency ON tickets(department, urgency, id);

-- index tickets_by_next_due on tickets
CREATE INDEX tickets_by_next_due ON tickets(next_due_at)
  WHERE next_due_at IS NOT NULL;

-- index tickets_by_received on tickets
CREATE INDEX tickets_by_received ON tickets(received_at, id);

-- index tickets_by_state on tickets
CREATE INDEX tickets_by_state ON tickets(state, id);

-- index tickets_by_topic on tickets
CREATE INDEX tickets_by_topic ON tickets(topic, id);

-- index tickets_by_type on tickets
CREATE INDEX tickets_by_type ON tickets(type, id);

-- index tickets_by_urgency on tickets
CREATE INDEX tickets_by_urgency ON tickets(urgency, id);

-- table tokens on tokens
CREATE TABLE tokens (
  id           INTEGER PRIMARY KEY,
  secret_hash  BLOB NOT NULL UNIQUE,
  principal    TEXT NOT NULL,
  display_name TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
, certificate_identity TEXT);

-- index tokens_by_certificate on tokens
CREATE INDEX tokens_by_certificate ON tokens(certificate_identity, id)
  WHERE certificate_identity IS NOT NULL;

-- index tokens_by_live_certificate on tokens
CREATE UNIQUE INDEX tokens_by_live_certificate ON tokens(certificate_identity)
  WHERE certificate_identity IS NOT NULL AND revoked_at IS NULL;
