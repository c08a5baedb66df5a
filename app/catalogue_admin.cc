// AdminService's catalogues: the category catalogue (诉求分类目录) the server
// started with, and the dispatch catalogue (派单目录) in versions
// (dispatch_catalogue_versions.h keeps them).
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "app/admin_service.h"
#include "app/dispatch_catalogue_versions.h"
#include "app/ticket_step.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/dispatch_catalogue.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckUpdate(const v1::UpdateDispatchCatalogueRequest& request,
                         const CategoryCatalogue& categories) {
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  if (request.expected_version() < 0) {
    return InvalidFieldError("expected_version",
                             "expected_version is the version replaced: 0 "
                             "for the first, never negative");
  }
  RETURN_IF_ERROR(CheckOptionalText(request.request_id(), "request_id",
                                    kMaxRequestIdChars));
  return CheckDispatchRules(request.rules(), categories);
}

}  // namespace

absl::StatusOr<v1::ListCategoriesResponse> AdminService::ListCategories(
    const Principal& /*principal*/,
    const v1::ListCategoriesRequest& /*request*/) {
  v1::ListCategoriesResponse response;
  const CategoryCatalogue& categories = policies_->categories();
  response.set_version(categories.version());
  for (v1::Category& category : categories.All()) {
    *response.add_categories() = std::move(category);
  }
  return response;
}

absl::StatusOr<v1::DispatchCatalogue> AdminService::GetDispatchCatalogue(
    const Principal& /*principal*/,
    const v1::GetDispatchCatalogueRequest& request) {
  if (request.version() < 0) {
    return InvalidFieldError("version",
                             "version is 1 or more, or 0 for the current one");
  }
  ASSIGN_OR_RETURN(v1::DispatchCatalogue catalogue,
                   LoadDispatchCatalogue(*store_, request.version()));
  ASSIGN_OR_RETURN(const int64_t current,
                   CurrentDispatchCatalogueVersion(*store_));
  if (catalogue.version() != current) return catalogue;
  ASSIGN_OR_RETURN(std::vector<v1::DispatchCatalogueVersion> history,
                   LoadDispatchCatalogueHistory(*store_));
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    *catalogue.add_history() = std::move(*it);
  }
  return catalogue;
}

void AdminService::UpdateDispatchCatalogue(
    const Principal& principal,
    const v1::UpdateDispatchCatalogueRequest& request,
    Done<v1::DispatchCatalogue> done) {
  if (absl::Status s = CheckUpdate(request, policies_->categories()); !s.ok()) {
    return done(s);
  }
  // The version read in the plan must still be the current one at the
  // commit: one update at a time.
  absl::MutexLock lock(&catalogue_updates_);
  done(writer_.RunAndWait<v1::DispatchCatalogue>(
      principal, request, WriteAccess::BureauOnly("UpdateDispatchCatalogue"),
      [this, principal,
       request]() -> absl::StatusOr<Planned<v1::DispatchCatalogue>> {
        ASSIGN_OR_RETURN(const int64_t current,
                         CurrentDispatchCatalogueVersion(*store_));
        if (request.expected_version() != current) {
          return WithReason(
              absl::AbortedError(absl::StrCat(
                  "the dispatch catalogue is at version ", current, ", not ",
                  request.expected_version(),
                  " (someone updated it meanwhile); read it again "
                  "(GetDispatchCatalogue) and update that version")),
              v1::CATALOGUE_VERSION,
              {{"current_version", absl::StrCat(current)}});
        }
        for (const v1::DispatchRule& rule : request.rules()) {
          RETURN_IF_ERROR(
              CheckDepartmentExists(*store_, rule.department(), "department"));
          for (const std::string& assisting : rule.assisting_departments()) {
            RETURN_IF_ERROR(CheckDepartmentExists(
                *store_, assisting, "assisting_departments: department"));
          }
        }
        Planned<v1::DispatchCatalogue> planned;
        v1::DispatchCatalogue& catalogue = planned.answer;
        catalogue.set_version(current + 1);
        *catalogue.mutable_update_time() = ToProtoTime(clock_->Now());
        catalogue.set_updated_by(principal.ToString());
        catalogue.set_reason(request.reason());
        *catalogue.mutable_rules() = request.rules();
        RETURN_IF_ERROR(
            SaveDispatchCatalogue(*store_, catalogue, planned.changes));
        return planned;
      }));
}

}  // namespace hotline
