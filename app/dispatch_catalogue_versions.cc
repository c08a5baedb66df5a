#include "app/dispatch_catalogue_versions.h"

#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "app/json_setting.h"
#include "common/error_details.h"
#include "common/status_macros.h"

namespace hotline {

absl::StatusOr<int64_t> CurrentDispatchCatalogueVersion(storage::Store& store) {
  ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      store.LoadSetting(storage::kDispatchCatalogueVersionSetting));
  if (!value) return 0;
  int64_t version = 0;
  if (!absl::SimpleAtoi(*value, &version) || version < 0) {
    return absl::DataLossError(
        absl::StrCat("the setting ", storage::kDispatchCatalogueVersionSetting,
                     " is not a version number: ", *value));
  }
  return version;
}

absl::StatusOr<v1::DispatchCatalogue> LoadDispatchCatalogue(
    storage::Store& store, int64_t version) {
  ASSIGN_OR_RETURN(const int64_t current,
                   CurrentDispatchCatalogueVersion(store));
  if (version == 0) version = current;
  v1::DispatchCatalogue catalogue;
  if (version == 0) return catalogue;  // none made yet
  if (version > current) {
    return ResourceNotFound("dispatch catalogue version", absl::StrCat(version),
                            absl::StrCat("the current version is ", current));
  }
  const std::string key =
      absl::StrCat(storage::kDispatchCatalogueSettingPrefix, version);
  ASSIGN_OR_RETURN(std::optional<std::string> json, store.LoadSetting(key));
  if (!json) {
    return absl::DataLossError(
        absl::StrCat("the setting ", key, " is missing"));
  }
  RETURN_IF_ERROR(ParseJsonSetting(key, *json, catalogue));
  return catalogue;
}

absl::StatusOr<std::shared_ptr<const v1::DispatchCatalogue>>
CurrentDispatchCatalogue::Get(storage::Store& store) {
  ASSIGN_OR_RETURN(const int64_t version,
                   CurrentDispatchCatalogueVersion(store));
  {
    absl::MutexLock lock(&mutex_);
    if (kept_ != nullptr && kept_->version() == version) return kept_;
  }
  auto catalogue = std::make_shared<v1::DispatchCatalogue>();
  if (version > 0) {
    ASSIGN_OR_RETURN(*catalogue, LoadDispatchCatalogue(store, version));
  }
  absl::MutexLock lock(&mutex_);
  // A later version kept meanwhile by another call stays.
  if (kept_ == nullptr || kept_->version() < version) kept_ = catalogue;
  return std::shared_ptr<const v1::DispatchCatalogue>(std::move(catalogue));
}

absl::StatusOr<std::vector<v1::DispatchCatalogueVersion>>
LoadDispatchCatalogueHistory(storage::Store& store) {
  ASSIGN_OR_RETURN(
      std::optional<std::string> json,
      store.LoadSetting(storage::kDispatchCatalogueHistorySetting));
  v1::DispatchCatalogue history;
  if (json) {
    RETURN_IF_ERROR(ParseJsonSetting(storage::kDispatchCatalogueHistorySetting,
                                     *json, history));
  }
  return std::vector<v1::DispatchCatalogueVersion>(history.history().begin(),
                                                   history.history().end());
}

absl::Status SaveDispatchCatalogue(storage::Store& store,
                                   const v1::DispatchCatalogue& catalogue,
                                   storage::ChangeSet& changes) {
  ASSIGN_OR_RETURN(std::vector<v1::DispatchCatalogueVersion> versions,
                   LoadDispatchCatalogueHistory(store));
  v1::DispatchCatalogue history;
  for (v1::DispatchCatalogueVersion& v : versions) {
    *history.add_history() = std::move(v);
  }
  v1::DispatchCatalogueVersion* summary = history.add_history();
  summary->set_version(catalogue.version());
  *summary->mutable_update_time() = catalogue.update_time();
  summary->set_updated_by(catalogue.updated_by());
  summary->set_reason(catalogue.reason());
  summary->set_rule_count(catalogue.rules_size());
  v1::DispatchCatalogue stored = catalogue;
  stored.clear_history();
  ASSIGN_OR_RETURN(std::string json, JsonSettingValue(stored));
  ASSIGN_OR_RETURN(std::string history_json, JsonSettingValue(history));
  changes.settings.emplace_back(
      absl::StrCat(storage::kDispatchCatalogueSettingPrefix,
                   catalogue.version()),
      std::move(json));
  changes.settings.emplace_back(storage::kDispatchCatalogueHistorySetting,
                                std::move(history_json));
  changes.settings.emplace_back(storage::kDispatchCatalogueVersionSetting,
                                absl::StrCat(catalogue.version()));
  return absl::OkStatus();
}

}  // namespace hotline
