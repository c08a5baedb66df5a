#include "workflow/category_catalogue.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "workflow/data_lines.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int LevelOf(absl::string_view code) {
  return static_cast<int>(code.size()) / 2;
}

bool WellFormed(absl::string_view code) {
  return !code.empty() && code.size() % 2 == 0 &&
         LevelOf(code) <= kCategoryLevels && AllDigits(code);
}

}  // namespace

absl::StatusOr<CategoryCatalogue> CategoryCatalogue::Parse(
    absl::string_view csv, absl::string_view source) {
  CategoryCatalogue catalogue;
  bool header_seen = false;
  RETURN_IF_ERROR(
      ForEachDataLine(csv, source, [&](absl::string_view line) -> std::string {
        std::vector<absl::string_view> fields =
            absl::StrSplit(line, absl::MaxSplits(',', 1));
        if (fields.size() != 2) return "expected two fields";
        const absl::string_view first = absl::StripAsciiWhitespace(fields[0]);
        const absl::string_view second = absl::StripAsciiWhitespace(fields[1]);
        if (catalogue.version_.empty()) {
          if (first != "version" || second.empty()) {
            return "the first line must be version,<the catalogue's version>";
          }
          catalogue.version_ = std::string(second);
          return "";
        }
        if (!header_seen) {
          header_seen = true;
          if (first == "code" && second == "name") return "";
          return "the second line must be the header code,name";
        }
        if (!WellFormed(first)) {
          return "a code is 2, 4 or 6 digits (大类, 中类, 小类)";
        }
        if (second.empty() || Utf8Length(second) > kMaxCategoryNameChars) {
          return absl::StrCat("a name is 1 to ", kMaxCategoryNameChars,
                              " characters");
        }
        if (catalogue.by_code_.count(first) > 0)
          return "the code is listed twice";
        v1::Category category;
        category.set_code(std::string(first));
        category.set_name(std::string(second));
        category.set_level(LevelOf(first));
        if (category.level() > 1) {
          category.set_parent(std::string(first.substr(0, first.size() - 2)));
          if (catalogue.by_code_.count(category.parent()) == 0) {
            return absl::StrCat("the parent ", category.parent(),
                                " must be listed before its children");
          }
        }
        catalogue.by_code_.emplace(category.code(), std::move(category));
        return "";
      }));
  if (catalogue.version_.empty() || !header_seen) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": expected the lines version,<version> and code,name"));
  }
  return catalogue;
}

std::vector<v1::Category> CategoryCatalogue::All() const {
  std::vector<v1::Category> all;
  all.reserve(by_code_.size());
  for (const auto& [code, category] : by_code_) all.push_back(category);
  return all;
}

const v1::Category* CategoryCatalogue::Find(absl::string_view code) const {
  auto found = by_code_.find(code);
  return found == by_code_.end() ? nullptr : &found->second;
}

std::string CategoryCatalogue::AncestorAt(absl::string_view code, int level) {
  if (level < 1 || static_cast<size_t>(level) * 2 > code.size()) return "";
  return std::string(code.substr(0, static_cast<size_t>(level) * 2));
}

absl::Status CategoryCatalogue::Check(absl::string_view code,
                                      absl::string_view field) const {
  if (code.empty() || Find(code) != nullptr) return absl::OkStatus();
  absl::Status status = InvalidFieldError(
      field,
      absl::StrCat("category ", code,
                   " is not in the category catalogue (诉求分类目录, version ",
                   version_.empty() ? "none loaded" : version_,
                   "); ListCategories gives the codes"));
  return WithReason(
      std::move(status), v1::UNKNOWN_CATEGORY,
      {{"field", std::string(field)}, {"category", std::string(code)}});
}

}  // namespace hotline
