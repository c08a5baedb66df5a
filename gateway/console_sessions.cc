#include "gateway/console_sessions.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"

namespace hotline::gateway {
namespace {

std::string RandomHex() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // OpenSSL's generator failing is not something to serve through.
    abort();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace

ConsoleSession ConsoleSessions::Create(absl::string_view token,
                                       absl::Time now) {
  ConsoleSession session{RandomHex(), std::string(token), RandomHex(),
                         now + lifetime_};
  absl::MutexLock lock(&mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
  }
  // One token's sessions beyond kMaxPerToken end, oldest first: signing in
  // over and over with one token cannot push everyone else out.
  constexpr size_t kMaxPerToken = 20;
  std::vector<decltype(sessions_)::iterator> same_token;
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.token == session.token) same_token.push_back(it);
  }
  if (same_token.size() >= kMaxPerToken) {
    auto oldest = *std::min_element(
        same_token.begin(), same_token.end(), [](const auto& a, const auto& b) {
          return a->second.expires < b->second.expires;
        });
    sessions_.erase(oldest);
  }
  if (sessions_.size() >= max_sessions_) {
    auto first = std::min_element(sessions_.begin(), sessions_.end(),
                                  [](const auto& a, const auto& b) {
                                    return a.second.expires < b.second.expires;
                                  });
    sessions_.erase(first);
  }
  sessions_[session.id] = session;
  return session;
}

std::optional<ConsoleSession> ConsoleSessions::Find(absl::string_view id,
                                                    absl::Time now) {
  absl::MutexLock lock(&mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void ConsoleSessions::End(absl::string_view id) {
  absl::MutexLock lock(&mutex_);
  auto it = sessions_.find(id);
  if (it != sessions_.end()) sessions_.erase(it);
}

bool SecretsEqual(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hotline::gateway
