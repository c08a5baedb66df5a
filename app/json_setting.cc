#include "app/json_setting.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"

namespace hotline {

absl::Status ParseJsonSetting(const std::string& key, const std::string& json,
                              google::protobuf::Message& message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // written by a later release
  if (auto parsed =
          google::protobuf::util::JsonStringToMessage(json, &message, options);
      !parsed.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the setting ", key, " cannot be read: ", parsed.ToString()));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> LoadJsonSetting(storage::Store& store,
                                     const std::string& key,
                                     google::protobuf::Message& message) {
  ASSIGN_OR_RETURN(std::optional<std::string> json, store.LoadSetting(key));
  if (!json) return false;
  RETURN_IF_ERROR(ParseJsonSetting(key, *json, message));
  return true;
}

absl::StatusOr<std::string> JsonSettingValue(
    const google::protobuf::Message& message) {
  std::string json;
  if (auto printed =
          google::protobuf::util::MessageToJsonString(message, &json);
      !printed.ok()) {
    return absl::InternalError(printed.ToString());
  }
  return json;
}

}  // namespace hotline
