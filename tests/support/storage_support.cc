#include "tests/support/storage_support.h"

#include <cstdint>
#include <fstream>
#include <memory>
#include <random>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite.h"

namespace hotline::testing {

void DamageTablePages(const std::string& path, const std::string& table) {
  std::vector<int64_t> pages;
  {
    absl::StatusOr<std::unique_ptr<storage::Connection>> db =
        storage::SqliteConnection::Open(path, /*read_only=*/true);
    ASSERT_TRUE(db.ok()) << db.status();
    absl::StatusOr<storage::Statement> stmt = (*db)->Prepare(
        "SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM "
        "sqlite_schema WHERE tbl_name = ?)");
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    stmt->BindText(1, table);
    while (*stmt->Step()) pages.push_back(stmt->ColumnInt64(0));
  }
  ASSERT_FALSE(pages.empty()) << "no pages of " << table;
  std::mt19937 random(9);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (int64_t page : pages) {
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    file.seekp((page - 1) * 4096);
    file.write(noise.data(), noise.size());
  }
}

void DamageTicketPages(const std::string& path) {
  DamageTablePages(path, "tickets");
}

}  // namespace hotline::testing
