// The web console's sign-in sessions (会话): a person pastes a token once
// and the browser then holds only a random session id in an HttpOnly,
// SameSite=Strict cookie. The session keeps the token in this process's
// memory (never on disk, never sent back to the browser) with a CSRF token
// that every change made with the cookie must echo in a header.
//
// Sessions end on sign-out, after `lifetime` from sign-in, and when the
// server restarts (the person signs in again). The token's own revocation
// ends them too: every call made through a session is authenticated with
// the token afresh. The event streams a session opened end with it (the
// gateway checks every second, and sends a SESSION_EXPIRED error event).
//
// Thread-safe.
#ifndef HOTLINE_GATEWAY_CONSOLE_SESSIONS_H_
#define HOTLINE_GATEWAY_CONSOLE_SESSIONS_H_

#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hotline::gateway {

struct ConsoleSession {
  std::string id;
  std::string token;
  std::string csrf_token;
  absl::Time expires;
};

class ConsoleSessions {
 public:
  // At most `max_sessions` live at once; signing in beyond it ends the
  // session that expires first.
  explicit ConsoleSessions(absl::Duration lifetime, size_t max_sessions = 10000)
      : lifetime_(lifetime), max_sessions_(max_sessions) {}

  // A new session for `token`, with fresh random id and CSRF token (32
  // bytes from OpenSSL's generator, hex).
  ConsoleSession Create(absl::string_view token, absl::Time now);
  // The live session with this id; nullopt when unknown or expired.
  std::optional<ConsoleSession> Find(absl::string_view id, absl::Time now);
  // Ends the session (no-op when unknown).
  void End(absl::string_view id);

  absl::Duration lifetime() const { return lifetime_; }

 private:
  const absl::Duration lifetime_;
  const size_t max_sessions_;
  absl::Mutex mutex_;
  std::map<std::string, ConsoleSession, std::less<>> sessions_
      ABSL_GUARDED_BY(mutex_);
};

// True when `a` equals `b`, in time independent of where they differ.
bool SecretsEqual(absl::string_view a, absl::string_view b);

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_CONSOLE_SESSIONS_H_
