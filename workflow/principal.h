// Who is calling: the bureau, one department, or one intake source.
//
//   absl::StatusOr<Principal> p = Principal::Parse("department/housing");
//   p->kind == Principal::Kind::kDepartment; p->DepartmentName() ==
//   "departments/housing"; p->ToString() == "department/housing".
//
// A value type; thread-compatible.
#ifndef HOTLINE_WORKFLOW_PRINCIPAL_H_
#define HOTLINE_WORKFLOW_PRINCIPAL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hotline {

// True for ids of departments and intake sources: 1 to 63 characters,
// lowercase ASCII letters, digits and hyphens, starting with a letter
// (AIP-122).
bool IsValidResourceId(absl::string_view id);

struct Principal {
  enum class Kind { kBureau, kDepartment, kIntake };

  static Principal Bureau() { return Principal{Kind::kBureau, "", ""}; }
  static Principal Department(std::string id) {
    return Principal{Kind::kDepartment, std::move(id), ""};
  }
  static Principal Intake(std::string id) {
    return Principal{Kind::kIntake, std::move(id), ""};
  }

  // Parses "bureau", "department/{id}" or "intake/{id}"; INVALID_ARGUMENT
  // otherwise.
  static absl::StatusOr<Principal> Parse(absl::string_view text);

  // The inverse of Parse.
  std::string ToString() const;

  // For a department principal, its resource name "departments/{id}".
  std::string DepartmentName() const { return "departments/" + id; }

  Kind kind = Kind::kBureau;
  // The department or intake id; empty for the bureau.
  std::string id;
  // What authenticated the call, for logs: the token or certificate
  // binding's name ("tokens/7"); empty when not known (a principal made
  // from text). Never a secret. Not part of who the caller is: ToString
  // and the access rules ignore it.
  std::string credential;
};

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_PRINCIPAL_H_
