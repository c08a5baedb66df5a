#include "workflow/duplicate_rules.h"

#include <algorithm>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "common/proto_time.h"

namespace hotline {
namespace {

using v1::DuplicateCandidate;
using v1::Ticket;

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
    const size_t start = i;
    uint32_t c = NextCodePoint(address, &i);
    // Full-width forms of ASCII (！ to ～) as ASCII.
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (IsSeparator(c)) continue;
    if (c < 0x80) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else {
      out.append(address.data() + start, i - start);  // as it was written
    }
  }
  return out;
}

namespace {

// The ways `candidate` matches `ticket` (whose address, normalized, is
// `address`), strongest first; empty when it is no candidate.
std::vector<DuplicateCandidate::Match> DuplicateMatches(
    const Ticket& ticket, const std::string& address, const Ticket& candidate) {
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
  if (!address.empty() && address == NormalizeAddress(candidate.address())) {
    matches.push_back(DuplicateCandidate::SAME_ADDRESS);
  }
  if (!ticket.topic().empty() && ticket.topic() == candidate.topic()) {
    matches.push_back(DuplicateCandidate::SAME_TOPIC);
  }
  return matches;
}

}  // namespace

DuplicateWindow DuplicateWindowOf(const Ticket& ticket, int window_days) {
  const absl::Time received = FromProtoTime(ticket.received_at());
  const absl::Duration span = absl::Hours(24) * window_days;
  return {received - span, received + span};
}

std::vector<DuplicateCandidate> RankDuplicates(
    const Ticket& ticket, const std::vector<Ticket>& tickets, int limit) {
  std::vector<DuplicateCandidate> found;
  absl::flat_hash_set<std::string> named;
  const std::string address = NormalizeAddress(ticket.address());
  for (const Ticket& candidate : tickets) {
    if (!named.insert(candidate.name()).second) continue;
    std::vector<DuplicateCandidate::Match> matches =
        DuplicateMatches(ticket, address, candidate);
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
