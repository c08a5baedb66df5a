#include "workflow/principal.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/input_text.h"

namespace hotline {

bool IsValidResourceId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<Principal> Principal::Parse(absl::string_view text) {
  if (text == "bureau") return Bureau();
  for (auto [prefix, kind] :
       {std::pair<absl::string_view, Kind>{"department/", Kind::kDepartment},
        std::pair<absl::string_view, Kind>{"intake/", Kind::kIntake}}) {
    if (absl::StartsWith(text, prefix)) {
      absl::string_view id = text.substr(prefix.size());
      if (!IsValidResourceId(id)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "principal ", QuoteInput(text), ": the id after \"", prefix,
            "\" must be 1-63 lowercase letters, digits or hyphens, starting "
            "with a letter"));
      }
      return Principal{kind, std::string(id), ""};
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("principal ", QuoteInput(text),
                   " must be \"bureau\", \"department/{id}\" or "
                   "\"intake/{id}\""));
}

std::string Principal::ToString() const {
  switch (kind) {
    case Kind::kBureau:
      return "bureau";
    case Kind::kDepartment:
      return "department/" + id;
    case Kind::kIntake:
      return "intake/" + id;
  }
  return "unknown";
}

}  // namespace hotline
