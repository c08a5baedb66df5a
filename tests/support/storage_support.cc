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

void DamageTicketPages(const std::string& path) {
  std::vector<int64_t> pages;
  {
    absl::StatusOr<std::unique_ptr<storage::Connection>> db =
        storage::SqliteConnection::Open(path, /*read_only=*/true);
    ASSERT_TRUE(db.ok()) << db.status();
    absl::StatusOr<storage::Statement> stmt = (*db)->Prepare(
        "SELECT pageno FROM dbstat WHERE name = 'tickets' OR name LIKE "
        "'tickets_by_%'");
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    while (*stmt->Step()) pages.push_back(stmt->ColumnInt64(0));
  }
  ASSERT_FALSE(pages.empty());
  std::mt19937 random(9);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (int64_t page : pages) {
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    file.seekp((page - 1) * 4096);
    file.write(noise.data(), noise.size());
  }
}

}  // namespace hotline::testing
