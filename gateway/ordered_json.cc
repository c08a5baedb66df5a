#include "gateway/ordered_json.h"

#include "absl/strings/str_cat.h"
#include "common/json_string.h"

namespace hotline::gateway {
namespace {

void Indent(std::string* out, int depth) {
  out->push_back('\n');
  out->append(static_cast<size_t>(depth) * 2, ' ');
}

}  // namespace

OrderedJson::OrderedJson(absl::string_view text)
    : kind_(Kind::kString), text_(text) {}
OrderedJson::OrderedJson(int64_t number)
    : kind_(Kind::kInteger), integer_(number) {}
OrderedJson::OrderedJson(bool value) : kind_(Kind::kBool), bool_(value) {}

OrderedJson OrderedJson::Object() {
  OrderedJson value;
  value.kind_ = Kind::kObject;
  return value;
}

OrderedJson OrderedJson::Array() {
  OrderedJson value;
  value.kind_ = Kind::kArray;
  return value;
}

OrderedJson& OrderedJson::Set(absl::string_view key, OrderedJson value) {
  for (auto& [name, existing] : members_) {
    if (name == key) {
      existing = std::move(value);
      return existing;
    }
  }
  members_.emplace_back(std::string(key), std::move(value));
  return members_.back().second;
}

OrderedJson* OrderedJson::Find(absl::string_view key) {
  for (auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

const OrderedJson* OrderedJson::Find(absl::string_view key) const {
  for (const auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

void OrderedJson::Erase(absl::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return;
    }
  }
}

OrderedJson& OrderedJson::Add(OrderedJson value) {
  elements_.push_back(std::move(value));
  return elements_.back();
}

size_t OrderedJson::size() const {
  return kind_ == Kind::kObject ? members_.size() : elements_.size();
}

std::string OrderedJson::Dump() const {
  std::string out;
  DumpTo(&out, 0);
  return out;
}

void OrderedJson::DumpTo(std::string* out, int depth) const {
  switch (kind_) {
    case Kind::kNull:
      out->append("null");
      return;
    case Kind::kBool:
      out->append(bool_ ? "true" : "false");
      return;
    case Kind::kInteger:
      absl::StrAppend(out, integer_);
      return;
    case Kind::kString:
      out->append(JsonString(text_));
      return;
    case Kind::kArray:
      if (elements_.empty()) {
        out->append("[]");
        return;
      }
      out->push_back('[');
      for (size_t i = 0; i < elements_.size(); ++i) {
        if (i > 0) out->push_back(',');
        Indent(out, depth + 1);
        elements_[i].DumpTo(out, depth + 1);
      }
      Indent(out, depth);
      out->push_back(']');
      return;
    case Kind::kObject:
      if (members_.empty()) {
        out->append("{}");
        return;
      }
      out->push_back('{');
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i > 0) out->push_back(',');
        Indent(out, depth + 1);
        out->append(JsonString(members_[i].first));
        out->append(": ");
        members_[i].second.DumpTo(out, depth + 1);
      }
      Indent(out, depth);
      out->push_back('}');
      return;
  }
}

}  // namespace hotline::gateway
