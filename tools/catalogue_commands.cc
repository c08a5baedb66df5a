// hotlinectl category list, catalogue show / set and ticket suggest: the
// category catalogue (诉求分类目录) and the dispatch catalogue (派单目录).
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"
#include "tools/csv_import.h"
#include "tools/report_format.h"

namespace hotline::cli {
namespace {

constexpr char kRulesHeader[] = "category,township,department,assisting,note";

int RunCategoryList(Context& c, const Args&, const std::vector<std::string>&) {
  absl::StatusOr<v1::ListCategoriesResponse> listed =
      c.client->ListCategories();
  if (!listed.ok()) return Fail(listed.status());
  if (c.json) {
    std::cout << ToJson(*listed);
    return 0;
  }
  Table table({"CODE", "LEVEL", "NAME"});
  for (const v1::Category& category : listed->categories()) {
    table.AddRow({category.code(), absl::StrCat(category.level()),
                  absl::StrCat(std::string(2 * (category.level() - 1), ' '),
                               category.name())});
  }
  std::cout << "category catalogue " << listed->version() << "\n"
            << table.Render();
  return 0;
}

std::string RulesCsv(const v1::DispatchCatalogue& catalogue) {
  std::string out = absl::StrCat(kRulesHeader, "\n");
  for (const v1::DispatchRule& rule : catalogue.rules()) {
    std::vector<std::string> assisting;
    for (const std::string& name : rule.assisting_departments()) {
      assisting.push_back(ShortDepartment(name));
    }
    absl::StrAppend(&out,
                    CsvLine({rule.category(), rule.township(),
                             ShortDepartment(rule.department()),
                             absl::StrJoin(assisting, ";"), rule.note()}));
  }
  return out;
}

int RunCatalogueShow(Context& c, const Args& args,
                     const std::vector<std::string>&) {
  v1::GetDispatchCatalogueRequest request;
  if (args.Has("version")) {
    int64_t version = 0;
    if (!absl::SimpleAtoi(args.Get("version"), &version) || version < 1) {
      return InputError(c,
                        absl::InvalidArgumentError(
                            "--version must be a version number, 1 or more"));
    }
    request.set_version(version);
  }
  absl::StatusOr<v1::DispatchCatalogue> catalogue =
      c.client->GetDispatchCatalogue(request);
  if (!catalogue.ok()) return Fail(catalogue.status());
  const std::string format = args.Has("format") ? args.Get("format") : "table";
  if (c.json || format == "json") {
    std::cout << ToJson(*catalogue);
    return 0;
  }
  if (format == "csv") {
    std::cout << RulesCsv(*catalogue);
    return 0;
  }
  if (format != "table") {
    return UsageError(*c.command,
                      absl::StrCat("--format \"", format,
                                   "\" is not one of table, csv, json"));
  }
  std::cout << "dispatch catalogue version " << catalogue->version();
  if (catalogue->version() > 0) {
    std::cout << ", " << FormatTime(catalogue->update_time()) << " by "
              << catalogue->updated_by() << ": " << catalogue->reason();
  }
  std::cout << "\n";
  Table rules({"CATEGORY", "TOWNSHIP", "LEAD", "ASSISTING", "NOTE"});
  for (const v1::DispatchRule& rule : catalogue->rules()) {
    std::vector<std::string> assisting;
    for (const std::string& name : rule.assisting_departments()) {
      assisting.push_back(ShortDepartment(name));
    }
    rules.AddRow({rule.category(), rule.township(),
                  ShortDepartment(rule.department()),
                  absl::StrJoin(assisting, ","), rule.note()});
  }
  std::cout << rules.Render();
  if (!catalogue->history().empty()) {
    Table history({"VERSION", "UPDATED", "BY", "RULES", "REASON"});
    for (const v1::DispatchCatalogueVersion& v : catalogue->history()) {
      history.AddRow({absl::StrCat(v.version()), FormatTime(v.update_time()),
                      v.updated_by(), absl::StrCat(v.rule_count()),
                      v.reason()});
    }
    std::cout << "\n" << history.Render();
  }
  return 0;
}

// The rules of a CSV file with the header kRulesHeader.
absl::StatusOr<std::vector<v1::DispatchRule>> ReadRules(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ReadCsvFile(path));
  if (rows.empty() || absl::StrJoin(rows[0].fields, ",") != kRulesHeader) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the first line must be the header ", kRulesHeader,
                     " (hotlinectl catalogue show --format csv writes one)"));
  }
  std::vector<v1::DispatchRule> rules;
  for (size_t i = 1; i < rows.size(); ++i) {
    const CsvRow& row = rows[i];
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;
    if (row.fields.size() != 5) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", row.line, ": expected 5 fields (",
                       kRulesHeader, "), not ", row.fields.size()));
    }
    v1::DispatchRule rule;
    rule.set_category(row.fields[0]);
    rule.set_township(row.fields[1]);
    rule.set_department(DepartmentName(row.fields[2]));
    for (absl::string_view assisting :
         absl::StrSplit(row.fields[3], ';', absl::SkipWhitespace())) {
      rule.add_assisting_departments(DepartmentName(std::string(assisting)));
    }
    rule.set_note(row.fields[4]);
    rules.push_back(std::move(rule));
  }
  return rules;
}

int RunCatalogueSet(Context& c, const Args& args,
                    const std::vector<std::string>& w) {
  absl::StatusOr<std::vector<v1::DispatchRule>> rules = ReadRules(w[0]);
  if (!rules.ok())
    return UsageError(*c.command, std::string(rules.status().message()));
  v1::UpdateDispatchCatalogueRequest request;
  for (v1::DispatchRule& rule : *rules) *request.add_rules() = std::move(rule);
  request.set_reason(args.Get("reason"));
  if (args.Has("expected_version")) {
    int64_t version = 0;
    if (!absl::SimpleAtoi(args.Get("expected_version"), &version)) {
      return InputError(
          c, absl::InvalidArgumentError("--expected_version must be a number"));
    }
    request.set_expected_version(version);
  } else {
    absl::StatusOr<v1::DispatchCatalogue> current =
        c.client->GetDispatchCatalogue({});
    if (!current.ok()) return Fail(current.status());
    request.set_expected_version(current->version());
  }
  absl::StatusOr<v1::DispatchCatalogue> updated =
      c.client->UpdateDispatchCatalogue(request);
  if (!updated.ok()) return Fail(updated.status());
  if (c.json) {
    std::cout << ToJson(*updated);
    return 0;
  }
  std::cout << "dispatch catalogue version " << updated->version() << ": "
            << updated->rules_size() << " rules\n";
  return 0;
}

int RunSuggest(Context& c, const Args& args,
               const std::vector<std::string>& w) {
  v1::SuggestDispatchRequest request;
  request.set_name(TicketName(w[0]));
  request.set_category(args.Get("category"));
  absl::StatusOr<v1::DispatchSuggestion> suggestion =
      c.client->SuggestDispatch(request);
  if (!suggestion.ok()) return Fail(suggestion.status());
  if (c.json) {
    std::cout << ToJson(*suggestion);
    return 0;
  }
  if (!suggestion->has_rule()) {
    std::cout << "no suggestion (dispatch catalogue version "
              << suggestion->catalogue_version()
              << " has no rule for the ticket's category)\n";
    return 0;
  }
  const v1::DispatchRule& rule = suggestion->rule();
  std::vector<std::string> assisting;
  for (const std::string& name : rule.assisting_departments()) {
    assisting.push_back(ShortDepartment(name));
  }
  std::cout << KeyValues({
      {"lead", ShortDepartment(rule.department())},
      {"assisting", absl::StrJoin(assisting, ",")},
      {"rule",
       absl::StrCat(rule.category(), rule.township().empty()
                                         ? ""
                                         : absl::StrCat(" ", rule.township()))},
      {"note", rule.note()},
      {"catalogue", absl::StrCat("version ", suggestion->catalogue_version())},
  });
  return 0;
}

}  // namespace

void AddCatalogueCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"category list",
       "list the category catalogue (诉求分类目录)",
       "category list",
       "Lists the categories the server knows (its --categories file): "
       "大类, 中类 and 小类, with their codes. A ticket's --category must be "
       "one of them.\nExample:\n  hotlinectl category list",
       {},
       {},
       0,
       0,
       RunCategoryList});
  commands->push_back(
      {"catalogue show",
       "show the dispatch catalogue (派单目录) and its versions",
       "catalogue show [--version N] [--format table|csv|json]",
       "Shows the dispatch catalogue: which department leads (and which "
       "assist) on tickets of a category, in a township or anywhere; with "
       "the list of its versions. --version shows an earlier one; --format "
       "csv writes the file catalogue set reads.\nExample:\n  hotlinectl "
       "catalogue show --format csv > catalogue.csv",
       {"version", "format"},
       {},
       0,
       0,
       RunCatalogueShow});
  commands->push_back(
      {"catalogue set",
       "replace the dispatch catalogue, making a new version (bureau)",
       "catalogue set FILE --reason TEXT [--expected_version N]",
       "Replaces the dispatch catalogue with the rules of a CSV file (header "
       "category,township,department,assisting,note; assisting departments "
       "separated by ';'). The earlier versions stay readable. Without "
       "--expected_version the current version is read first; with it, the "
       "update is refused when someone else updated meanwhile (bureau "
       "only).\nExample:\n  hotlinectl catalogue set catalogue.csv --reason "
       "物业投诉划归街道",
       {"reason", "expected_version"},
       {},
       1,
       1,
       RunCatalogueSet});
  commands->push_back(
      {"ticket suggest",
       "what the dispatch catalogue suggests for a ticket (bureau)",
       "ticket suggest TICKET [--category CODE]",
       "Shows the department the dispatch catalogue (派单目录) suggests for "
       "a ticket, from its category (or --category) and the township in its "
       "address (bureau only).\nExample:\n  hotlinectl ticket suggest 7",
       {"category"},
       {},
       1,
       1,
       RunSuggest});
}

}  // namespace hotline::cli
