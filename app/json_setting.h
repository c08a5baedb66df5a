// Settings that hold a protobuf message as protobuf JSON (the dispatch
// catalogue's versions, the subscriptions and their delivery state): read
// them tolerantly (fields of a later release are ignored) and write them.
//
// Stateless and thread-safe (as thread-safe as the store).
#ifndef HOTLINE_APP_JSON_SETTING_H_
#define HOTLINE_APP_JSON_SETTING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "storage/store.h"

namespace hotline {

// Parses the setting `key`'s value `json` into `message`; DATA_LOSS naming
// the key when it cannot be read.
absl::Status ParseJsonSetting(const std::string& key, const std::string& json,
                              google::protobuf::Message& message);

// Reads the setting `key` into `message`: false (and `message` untouched)
// when the setting is not there.
absl::StatusOr<bool> LoadJsonSetting(storage::Store& store,
                                     const std::string& key,
                                     google::protobuf::Message& message);

// `message` as a setting's value.
absl::StatusOr<std::string> JsonSettingValue(
    const google::protobuf::Message& message);

}  // namespace hotline

#endif  // HOTLINE_APP_JSON_SETTING_H_
