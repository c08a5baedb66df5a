// The storage layer's test helpers (beside postgres_support.h): damage to a
// SQLite file for a store or a server to meet. Links hotline_storage only.
#ifndef HOTLINE_TESTS_SUPPORT_STORAGE_SUPPORT_H_
#define HOTLINE_TESTS_SUPPORT_STORAGE_SUPPORT_H_

#include <string>

namespace hotline::testing {

// Random bytes over every page of `table` and its indexes (found with
// SQLite's dbstat) of the database file at `path`, in place: a damaged file
// for a store or a server to meet. Records a test failure when none is
// found. The file must not be open elsewhere.
void DamageTablePages(const std::string& path, const std::string& table);
// DamageTablePages of "tickets".
void DamageTicketPages(const std::string& path);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_STORAGE_SUPPORT_H_
