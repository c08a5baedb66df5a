#include "workflow/dispatch_catalogue.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/duplicate_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

constexpr int kMaxTownshipNameChars = 10;

// The first position after the last administrative prefix (省, 市, 县, 区)
// before `end`.
size_t StartAfterPrefixes(absl::string_view text, size_t end) {
  size_t start = 0;
  for (absl::string_view prefix : {"省", "市", "县", "区"}) {
    size_t at = text.substr(0, end).rfind(prefix);
    if (at != absl::string_view::npos) {
      start = std::max(start, at + prefix.size());
    }
  }
  return start;
}

std::string RuleField(int i, absl::string_view field) {
  return absl::StrCat("rules[", i, "].", field);
}

}  // namespace

std::string TownshipOf(absl::string_view address) {
  const std::string text = NormalizeAddress(address);
  size_t end = std::string::npos;
  for (absl::string_view suffix : {"街道", "镇", "乡"}) {
    size_t at = absl::string_view(text).find(suffix);
    if (at != std::string::npos && at > 0) {
      end = std::min(end, at + suffix.size());
    }
  }
  if (end == std::string::npos) return "";
  // The suffix must not end a prefix's own text (e.g. "区" right before
  // "镇" leaves nothing).
  size_t start = StartAfterPrefixes(text, end);
  std::string township = text.substr(start, end - start);
  const int chars = Utf8Length(township);
  if (chars < 2 || chars > kMaxTownshipNameChars) return "";
  return township;
}

absl::Status CheckDispatchRules(
    const google::protobuf::RepeatedPtrField<v1::DispatchRule>& rules,
    const CategoryCatalogue& categories) {
  if (rules.size() > kMaxDispatchRules) {
    return InvalidFieldError(
        "rules", absl::StrCat("at most ", kMaxDispatchRules, " rules, not ",
                              rules.size()));
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < rules.size(); ++i) {
    const v1::DispatchRule& rule = rules[i];
    if (rule.category().empty()) {
      return InvalidFieldError(
          RuleField(i, "category"),
          "a rule needs a category code (ListCategories gives them)");
    }
    RETURN_IF_ERROR(
        categories.Check(rule.category(), RuleField(i, "category")));
    if (!rule.township().empty() &&
        TownshipOf(rule.township()) != rule.township()) {
      return InvalidFieldError(
          RuleField(i, "township"),
          absl::StrCat("\"", rule.township(),
                       "\" is not a township as addresses name one: 2 to 10 "
                       "characters ending in 镇, 乡 or 街道, without spaces "
                       "or punctuation, e.g. 城关镇"));
    }
    RETURN_IF_ERROR(
        ParseDepartmentName(rule.department(), RuleField(i, "department"))
            .status());
    RETURN_IF_ERROR(CheckAssistingDepartments(rule.assisting_departments(),
                                              rule.department()));
    RETURN_IF_ERROR(
        CheckOptionalText(rule.note(), RuleField(i, "note"), kMaxReasonChars));
    if (!seen.emplace(rule.category(), rule.township()).second) {
      return InvalidFieldError(
          RuleField(i, "category"),
          absl::StrCat("a second rule for category ", rule.category(),
                       rule.township().empty()
                           ? " without a township"
                           : absl::StrCat(" in ", rule.township()),
                       "; one rule each"));
    }
  }
  return absl::OkStatus();
}

v1::DispatchSuggestion SuggestDispatch(const v1::DispatchCatalogue& catalogue,
                                       absl::string_view category,
                                       absl::string_view address) {
  v1::DispatchSuggestion suggestion;
  suggestion.set_catalogue_version(catalogue.version());
  if (category.empty()) return suggestion;
  const std::string township = TownshipOf(address);
  const v1::DispatchRule* best = nullptr;
  for (const v1::DispatchRule& rule : catalogue.rules()) {
    if (!absl::StartsWith(category, rule.category())) continue;
    if (!rule.township().empty() && rule.township() != township) continue;
    if (best == nullptr || rule.category().size() > best->category().size() ||
        (rule.category().size() == best->category().size() &&
         !rule.township().empty())) {
      best = &rule;
    }
  }
  if (best != nullptr) *suggestion.mutable_rule() = *best;
  return suggestion;
}

v1::DispatchRecord RecordDispatch(const v1::DispatchSuggestion& suggestion,
                                  const std::string& department,
                                  absl::Time now) {
  v1::DispatchRecord record;
  *record.mutable_dispatch_time() = ToProtoTime(now);
  record.set_department(department);
  *record.mutable_suggestion() = suggestion;
  record.set_followed(suggestion.has_rule() &&
                      suggestion.rule().department() == department);
  return record;
}

void RecordDispatchOn(const v1::DispatchCatalogue& catalogue, absl::Time now,
                      v1::Ticket& ticket, v1::Event& event) {
  v1::DispatchRecord record = RecordDispatch(
      SuggestDispatch(catalogue, ticket.category(), ticket.address()),
      ticket.department(), now);
  *event.mutable_dispatch() = record;
  *ticket.add_dispatches() = std::move(record);
}

void MarkLatestDispatchReturned(v1::Ticket& ticket, bool returned) {
  if (ticket.dispatches().empty()) return;
  ticket.mutable_dispatches()->rbegin()->set_returned(returned);
}

}  // namespace hotline
