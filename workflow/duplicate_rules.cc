#include "workflow/duplicate_rules.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "common/proto_time.h"

namespace hotline {
namespace {

using v1::DuplicateCandidate;
using v1::Ticket;

// Appends the code point `c` as UTF-8.
void AppendUtf8(uint32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// The next code point of `s` from `*i` (advanced past it); a byte that
// starts no valid sequence stands for itself.
uint32_t NextCodePoint(absl::string_view s, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t lead = byte(*i);
  int length = lead < 0x80             ? 1
               : (lead & 0xE0) == 0xC0 ? 2
               : (lead & 0xF0) == 0xE0 ? 3
               : (lead & 0xF8) == 0xF0 ? 4
                                       : 1;
  if (*i + length > s.size()) length = 1;
  uint32_t c = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) c = (c << 6) | (byte(*i + k) & 0x3F);
  *i += length;
  return c;
}

bool IsSeparator(uint32_t c) {
  if (c < 0x80) return !absl::ascii_isalnum(static_cast<unsigned char>(c));
  return (c >= 0x2000 && c <= 0x206F) ||  // general punctuation, spaces
         (c >= 0x3000 && c <= 0x303F) ||  // CJK symbols and punctuation
         c == 0x00A0 || c == 0x00B7 || c == 0x30FB;
}

// The strength of a match: lower is stronger.
int Strength(DuplicateCandidate::Match match) {
  switch (match) {
    case DuplicateCandidate::PLATFORM_DUPLICATE:
      return 0;
    case DuplicateCandidate::SAME_CALLER_PHONE:
      return 1;
    case DuplicateCandidate::SAME_ADDRESS:
      return 2;
    default:
      return 3;
  }
}

}  // namespace

std::string NormalizeAddress(absl::string_view address) {
  std::string out;
  size_t i = 0;
  while (i < address.size()) {
    uint32_t c = NextCodePoint(address, &i);
    // Full-width forms of ASCII (！ to ～) as ASCII.
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (IsSeparator(c)) continue;
    if (c < 0x80) c = absl::ascii_tolower(static_cast<unsigned char>(c));
    AppendUtf8(c, &out);
  }
  return out;
}

std::vector<DuplicateCandidate::Match> DuplicateMatches(
    const Ticket& ticket, const Ticket& candidate) {
  std::vector<DuplicateCandidate::Match> matches;
  if (candidate.name() == ticket.name() || !candidate.merged_into().empty() ||
      !candidate.closed_by_final_answer().empty()) {
    return matches;
  }
  if (!ticket.duplicate_of_source_id().empty() &&
      ticket.duplicate_of_source_id() == candidate.source_id()) {
    matches.push_back(DuplicateCandidate::PLATFORM_DUPLICATE);
  }
  if (!ticket.caller_phone().empty() &&
      ticket.caller_phone() == candidate.caller_phone()) {
    matches.push_back(DuplicateCandidate::SAME_CALLER_PHONE);
  }
  const std::string address = NormalizeAddress(ticket.address());
  if (!address.empty() && address == NormalizeAddress(candidate.address())) {
    matches.push_back(DuplicateCandidate::SAME_ADDRESS);
  }
  if (!ticket.topic().empty() && ticket.topic() == candidate.topic()) {
    matches.push_back(DuplicateCandidate::SAME_TOPIC);
  }
  return matches;
}

DuplicateWindow DuplicateWindowOf(const Ticket& ticket, int window_days) {
  const absl::Time received = FromProtoTime(ticket.received_at());
  const absl::Duration span = absl::Hours(24) * window_days;
  return {received - span, received + span};
}

std::vector<DuplicateCandidate> RankDuplicates(
    const Ticket& ticket, const std::vector<Ticket>& tickets, int limit) {
  std::vector<DuplicateCandidate> found;
  absl::flat_hash_set<std::string> named;
  for (const Ticket& candidate : tickets) {
    if (!named.insert(candidate.name()).second) continue;
    std::vector<DuplicateCandidate::Match> matches =
        DuplicateMatches(ticket, candidate);
    if (matches.empty()) continue;
    DuplicateCandidate& c = found.emplace_back();
    *c.mutable_ticket() = candidate;
    for (DuplicateCandidate::Match m : matches) c.add_matches(m);
  }
  const absl::Time received = FromProtoTime(ticket.received_at());
  const auto distance = [received](const DuplicateCandidate& c) {
    return absl::AbsDuration(FromProtoTime(c.ticket().received_at()) -
                             received);
  };
  std::sort(found.begin(), found.end(),
            [&](const DuplicateCandidate& a, const DuplicateCandidate& b) {
              const int sa = Strength(a.matches(0));
              const int sb = Strength(b.matches(0));
              if (sa != sb) return sa < sb;
              if (a.matches_size() != b.matches_size()) {
                return a.matches_size() > b.matches_size();
              }
              const absl::Duration da = distance(a);
              const absl::Duration db = distance(b);
              if (da != db) return da < db;
              const std::string& na = a.ticket().name();
              const std::string& nb = b.ticket().name();
              // "tickets/{id}": the lower id first.
              if (na.size() != nb.size()) return na.size() < nb.size();
              return na < nb;
            });
  if (static_cast<int>(found.size()) > limit) found.resize(limit);
  return found;
}

}  // namespace hotline
