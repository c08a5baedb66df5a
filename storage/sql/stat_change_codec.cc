#include "storage/sql/stat_change_codec.h"

#include <cstdint>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hotline::storage {
namespace {

constexpr absl::string_view kDepartmentPrefix = "departments/";
constexpr uint64_t kFlagDepartmentPrefix = 1;

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void PutSigned(std::string& out, int64_t value) {
  PutVarint(out, (static_cast<uint64_t>(value) << 1) ^
                     static_cast<uint64_t>(value >> 63));
}

void PutString(std::string& out, absl::string_view text) {
  PutVarint(out, text.size());
  out.append(text.data(), text.size());
}

// Reads from the front of `in`; false when it ends too soon.
bool GetVarint(absl::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const uint8_t byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    // The tenth byte holds the 64th bit only.
    if (shift == 63 && byte > 1) return false;
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool GetSigned(absl::string_view& in, int64_t& value) {
  uint64_t raw;
  if (!GetVarint(in, raw)) return false;
  value = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  return true;
}

bool GetString(absl::string_view& in, std::string& text) {
  uint64_t size;
  if (!GetVarint(in, size) || size > in.size()) return false;
  text.assign(in.data(), size);
  in.remove_prefix(size);
  return true;
}

absl::Status Corrupt() {
  return absl::DataLossError("a stored statistics change is corrupt");
}

absl::StatusOr<std::optional<StatFacts>> DecodeTextFacts(
    absl::string_view text) {
  if (text.empty()) return std::optional<StatFacts>();
  std::vector<absl::string_view> parts = absl::StrSplit(text, '\x1f');
  std::vector<absl::string_view> counts;
  StatFacts f;
  bool ok = parts.size() == 5 && absl::SimpleAtoi(parts[3], &f.day);
  if (ok) {
    counts = absl::StrSplit(parts[4], ',');
    ok = counts.size() <= kStatCounterCount;
  }
  for (size_t i = 0; ok && i < counts.size(); ++i) {
    ok = absl::SimpleAtoi(counts[i], &f.counts.c[i]);
  }
  ok = ok && absl::CUnescape(parts[0], &f.department) &&
       absl::CUnescape(parts[1], &f.type) &&
       absl::CUnescape(parts[2], &f.topic);
  if (!ok) return Corrupt();
  return std::optional<StatFacts>(std::move(f));
}

}  // namespace

std::vector<StatFacts> StatEffect(const std::optional<StatFacts>& before,
                                  const std::optional<StatFacts>& after) {
  std::vector<StatFacts> effect;
  if (before && after && before->SameKey(*after)) {
    StatFacts delta = *after;
    delta.counts -= before->counts;
    if (!delta.counts.IsZero()) effect.push_back(std::move(delta));
    return effect;
  }
  if (before && !before->counts.IsZero()) {
    StatFacts minus = *before;
    minus.counts = StatVector();
    minus.counts -= before->counts;
    effect.push_back(std::move(minus));
  }
  if (after && !after->counts.IsZero()) effect.push_back(*after);
  return effect;
}

std::string EncodeStatEffect(const std::vector<StatFacts>& effect) {
  std::string out;
  PutVarint(out, effect.size());
  for (const StatFacts& f : effect) {
    const bool prefixed = absl::StartsWith(f.department, kDepartmentPrefix);
    PutVarint(out, prefixed ? kFlagDepartmentPrefix : 0);
    PutString(
        out,
        prefixed
            ? absl::string_view(f.department).substr(kDepartmentPrefix.size())
            : absl::string_view(f.department));
    PutString(out, f.type);
    PutString(out, f.topic);
    PutSigned(out, f.day);
    int pairs = 0;
    for (int64_t value : f.counts.c) pairs += value != 0;
    PutVarint(out, pairs);
    for (int i = 0; i < kStatCounterCount; ++i) {
      if (f.counts.c[i] == 0) continue;
      PutVarint(out, i);
      PutSigned(out, f.counts.c[i]);
    }
  }
  return out;
}

absl::StatusOr<std::vector<StatFacts>> DecodeStatEffect(
    absl::string_view blob) {
  uint64_t count;
  // A contribution takes at least 6 bytes: a corrupt count cannot ask for
  // more room than the blob could describe.
  if (!GetVarint(blob, count) || count > blob.size() / 6) return Corrupt();
  std::vector<StatFacts> effect(count);
  for (StatFacts& f : effect) {
    uint64_t flags, pairs;
    if (!GetVarint(blob, flags) || (flags & ~kFlagDepartmentPrefix) != 0 ||
        !GetString(blob, f.department) || !GetString(blob, f.type) ||
        !GetString(blob, f.topic) || !GetSigned(blob, f.day) ||
        !GetVarint(blob, pairs) || pairs > kStatCounterCount) {
      return Corrupt();
    }
    if (flags & kFlagDepartmentPrefix) {
      f.department = absl::StrCat(kDepartmentPrefix, f.department);
    }
    for (uint64_t k = 0; k < pairs; ++k) {
      uint64_t index;
      int64_t value;
      // Each counter at most once, never zero: as EncodeStatEffect writes.
      if (!GetVarint(blob, index) || index >= kStatCounterCount ||
          f.counts.c[index] != 0 || !GetSigned(blob, value) || value == 0) {
        return Corrupt();
      }
      f.counts.c[index] = value;
    }
  }
  if (!blob.empty()) return Corrupt();
  return effect;
}

absl::StatusOr<std::vector<StatFacts>> DecodeTextStatChange(
    absl::string_view before, absl::string_view after) {
  absl::StatusOr<std::optional<StatFacts>> b = DecodeTextFacts(before);
  if (!b.ok()) return b.status();
  absl::StatusOr<std::optional<StatFacts>> a = DecodeTextFacts(after);
  if (!a.ok()) return a.status();
  return StatEffect(*b, *a);
}

}  // namespace hotline::storage
