// Answers of a Store as text: equal text for equal answers, whichever
// engine gave them. An error is its code only (each engine words its own);
// a list item in a list is its name and a digest of all of it (one ticket
// read alone is all of it). Also: reading a list page after page.
//
// Stateless; thread-safe.
#ifndef HOTLINE_TESTS_STORAGE_STORE_ANSWERS_H_
#define HOTLINE_TESTS_STORAGE_STORE_ANSWERS_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/records.h"

namespace hotline::conformance {

// Bytes as hexadecimal.
std::string Hex(absl::string_view bytes);
// A list item: `name`, then a digest of all of `message`.
std::string Item(const google::protobuf::Message& message,
                 absl::string_view name);

// One answer as text: a row in full (a ticket with its name and etag).
std::string Text(const v1::Ticket& t);
std::string Text(const v1::Event& e);
std::string Text(const v1::Card& c);
std::string Text(const v1::Department& d);
std::string Text(const v1::Token& t);
std::string Text(const v1::Policy& p);
std::string Text(int64_t value);
std::string Text(const std::string& value);
std::string Text(const storage::TokenRecord& r);
std::string Text(const storage::SeqVoid& v);
std::string Text(const storage::RequestOutcome& o);
std::string Text(const storage::ComplianceCounts& c);
std::string Text(const storage::StatSums& sums);
std::string Text(const storage::OperationalCounts& c);

template <typename T>
std::string Text(const std::optional<T>& value) {
  return value ? Text(*value) : "none";
}
template <typename T>
std::string Text(const std::vector<T>& values) {
  std::string text = absl::StrCat(values.size(), ":");
  for (const T& value : values) absl::StrAppend(&text, " ", Text(value));
  return text;
}
// An engine's error text is its own; the code is the answer.
template <typename T>
std::string Text(const absl::StatusOr<T>& answer) {
  if (!answer.ok()) {
    return absl::StrCat("error ",
                        absl::StatusCodeToString(answer.status().code()));
  }
  return Text(*answer);
}

// A list's items, each Item(): the name (a ticket's with its etag, an
// event's seq, a report's ticket and date) and a digest.
std::string Items(const std::vector<v1::Ticket>& tickets);
std::string Items(const std::vector<v1::Event>& events);
std::string Items(const std::vector<v1::Card>& cards);
std::string Items(const std::vector<v1::Notice>& notices);
std::string Items(const std::vector<v1::DailyReport>& reports);
std::string Items(const std::vector<v1::Department>& departments);
std::string Items(const std::vector<v1::Token>& tokens);

// A list read page after page, each page after the last item of the one
// before, until an empty page.
template <typename T>
struct Pages {
  absl::Status status;
  std::vector<T> items;
  std::vector<size_t> sizes;
};

// `read(after, limit)` gives a page; `key(item)` the cursor after it.
template <typename T, typename Cursor, typename Read, typename Key>
Pages<T> ReadAllPages(Cursor first, int limit, Read read, Key key) {
  Pages<T> pages;
  Cursor after = first;
  while (pages.sizes.size() < 10'000) {
    absl::StatusOr<std::vector<T>> page = read(after, limit);
    if (!page.ok()) {
      pages.status = page.status();
      return pages;
    }
    pages.sizes.push_back(page->size());
    if (page->empty()) return pages;
    after = key(page->back());
    for (T& item : *page) pages.items.push_back(std::move(item));
  }
  pages.status = absl::InternalError("the pages did not end");
  return pages;
}

// A list read page by page, as text: the page sizes, then the items (or
// the error's code).
template <typename T>
std::string PagesText(const absl::Status& status, const std::vector<T>& items,
                      const std::vector<size_t>& sizes) {
  if (!status.ok()) {
    return absl::StrCat("error ", absl::StatusCodeToString(status.code()));
  }
  return absl::StrCat("pages ", absl::StrJoin(sizes, ","), ": ", Items(items));
}
template <typename T>
std::string PagesText(const Pages<T>& pages) {
  return PagesText(pages.status, pages.items, pages.sizes);
}
// What PagesText must say of `items` read `limit` at a time: full pages,
// then a short one, then an empty one.
template <typename T>
std::string ExpectedPagesText(const std::vector<T>& items, int limit) {
  std::vector<size_t> sizes;
  size_t left = items.size();
  while (true) {
    const size_t size = std::min<size_t>(left, limit);
    sizes.push_back(size);
    if (size == 0) break;
    left -= size;
  }
  return PagesText(absl::OkStatus(), items, sizes);
}

}  // namespace hotline::conformance

#endif  // HOTLINE_TESTS_STORAGE_STORE_ANSWERS_H_
