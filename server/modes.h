// The three things hotline-server does, one per run; server/main.cc defines
// the flags, parses them and picks one:
//   serve (serve_mode.cc): the service until SIGINT or SIGTERM;
//   create a token (token_mode.cc): --create_token, the bootstrap;
//   copy a database (copy_mode.cc): --copy_from, SQLite into PostgreSQL.
// Each returns the process's exit code (0 done, 1 failed, 2 a bad flag) and
// prints its errors to stderr as "hotline-server: ...". Called once, from
// main's thread; not thread-safe.
#ifndef HOTLINE_SERVER_MODES_H_
#define HOTLINE_SERVER_MODES_H_

#include <string>

#include "absl/status/status.h"

namespace hotline {

// Serves with the serving flags (server/main_flags.h) until a signal.
int ServeMode();

// Creates a token for `principal` named `token_name` in the database `db`
// and prints its secret alone on stdout.
int CreateTokenMode(const std::string& db, const std::string& principal,
                    const std::string& token_name,
                    const std::string& time_zone);

// Copies the SQLite file `from` into the empty PostgreSQL database `to`,
// then checks the copy against it, printing what it did.
int CopyMode(const std::string& from, const std::string& to,
             const std::string& time_zone);

// Prints "hotline-server: " and the status's message to stderr; returns
// `exit_code`.
int FailWith(const absl::Status& status, int exit_code);

}  // namespace hotline

#endif  // HOTLINE_SERVER_MODES_H_
