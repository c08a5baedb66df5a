// A JSON value whose objects keep their keys in the order they were set,
// for documents people read and diff (the OpenAPI description): the same
// input writes the same bytes. Strings are written as common/json_string.h
// writes them (valid UTF-8 whatever the bytes).
//
//   OrderedJson doc = OrderedJson::Object();
//   doc.Set("openapi", "3.1.0");
//   doc.Set("paths", OrderedJson::Object()).Set("/v1/tickets", ...);
//   std::string text = doc.Dump();
//
// A value, not thread-safe; copy or move it freely.
#ifndef HOTLINE_GATEWAY_ORDERED_JSON_H_
#define HOTLINE_GATEWAY_ORDERED_JSON_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace hotline::gateway {

class OrderedJson {
 public:
  enum class Kind { kNull, kBool, kInteger, kString, kArray, kObject };

  OrderedJson() = default;
  // Strings (UTF-8), integers and booleans convert implicitly.
  OrderedJson(const char* text) : OrderedJson(absl::string_view(text)) {}
  OrderedJson(absl::string_view text);
  OrderedJson(const std::string& text) : OrderedJson(absl::string_view(text)) {}
  OrderedJson(int64_t number);
  OrderedJson(int number) : OrderedJson(static_cast<int64_t>(number)) {}
  OrderedJson(bool value);

  static OrderedJson Object();
  static OrderedJson Array();

  Kind kind() const { return kind_; }

  // Objects: sets `key` (replacing its value where it was, or appending it)
  // and returns the value now under it.
  OrderedJson& Set(absl::string_view key, OrderedJson value);
  // Objects: the value under `key`, or nullptr.
  OrderedJson* Find(absl::string_view key);
  const OrderedJson* Find(absl::string_view key) const;
  // Objects: removes `key` (nothing when it is not there).
  void Erase(absl::string_view key);
  // Arrays: appends and returns the new element.
  OrderedJson& Add(OrderedJson value);
  // Objects and arrays: how many members or elements.
  size_t size() const;
  // Strings: the text.
  const std::string& text() const { return text_; }

  // The JSON text, indented by two spaces a level, ending without a newline.
  std::string Dump() const;

 private:
  void DumpTo(std::string* out, int depth) const;

  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  int64_t integer_ = 0;
  std::string text_;
  std::vector<std::pair<std::string, OrderedJson>> members_;
  std::vector<OrderedJson> elements_;
};

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_ORDERED_JSON_H_
