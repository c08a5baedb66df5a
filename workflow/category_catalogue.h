// The category catalogue (诉求分类目录): the coded, hierarchical classes of
// citizens' requests, shaped like GB/T 39666-2020 (政府热线服务分类与代码):
// 大类 (level 1), 中类 (level 2), 小类 (level 3). A code is its parent's
// code and two more digits: "01" 城乡建设, "0101" 违法建设, "010101"
// 私搭乱建.
//
//   ASSIGN_OR_RETURN(CategoryCatalogue catalogue,
//                    CategoryCatalogue::Parse(csv, "categories.csv"));
//   catalogue.Find("0101");        // the category, or nullptr
//   catalogue.AncestorAt("010101", 1);  // "01"
//
// The file is CSV: a line `version,<text>` naming the catalogue's version,
// the header `code,name`, then one category a line, each parent before its
// children. Lines starting with '#' and blank lines are ignored. A
// malformed file is refused with the line number and the reason. The file
// is read in app/ (app/data_files.h, LoadCategoryFile).
//
// Immutable after construction; safe for concurrent use.
#ifndef HOTLINE_WORKFLOW_CATEGORY_CATALOGUE_H_
#define HOTLINE_WORKFLOW_CATEGORY_CATALOGUE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"

namespace hotline {

inline constexpr int kCategoryLevels = 3;
inline constexpr int kMaxCategoryNameChars = 100;

class CategoryCatalogue {
 public:
  // An empty catalogue: every category code is unknown.
  CategoryCatalogue() = default;

  // Parses the CSV text; `source` names it in error messages.
  static absl::StatusOr<CategoryCatalogue> Parse(absl::string_view csv,
                                                 absl::string_view source);

  const std::string& version() const { return version_; }
  // Every category, in code order.
  std::vector<v1::Category> All() const;
  bool empty() const { return by_code_.empty(); }

  // The category with this code; nullptr when there is none.
  const v1::Category* Find(absl::string_view code) const;
  // The code of `code`'s ancestor at `level` (its own code at its own
  // level); "" when `level` is deeper than `code`'s.
  static std::string AncestorAt(absl::string_view code, int level);

  // OK for "" (no category) and for a code of the catalogue; otherwise
  // INVALID_ARGUMENT, reason UNKNOWN_CATEGORY, naming `field`.
  absl::Status Check(absl::string_view code, absl::string_view field) const;

 private:
  std::string version_;
  std::map<std::string, v1::Category, std::less<>> by_code_;
};

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_CATEGORY_CATALOGUE_H_
