#include "tests/support/postgres_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "storage/postgres/postgres.h"

namespace hotline {

bool TestsUsePostgres() {
  const char* store = std::getenv("HOTLINE_TEST_STORE");
  return store != nullptr && std::string(store) == "postgres";
}

std::string NewPostgresDatabase() {
  const char* file = std::getenv("HOTLINE_TEST_POSTGRES_FILE");
  if (file == nullptr) {
    ADD_FAILURE() << "HOTLINE_TEST_POSTGRES_FILE is not set: run this test "
                     "through ctest, which starts the test cluster";
    return "";
  }
  std::ifstream in(file);
  std::string base;
  std::getline(in, base);
  base = std::string(absl::StripAsciiWhitespace(base));
  if (base.empty()) {
    ADD_FAILURE() << "no test cluster URI in " << file;
    return "";
  }
  absl::StatusOr<std::unique_ptr<storage::PgConnection>> admin =
      storage::PgConnection::Open(base);
  if (!admin.ok()) {
    ADD_FAILURE() << admin.status();
    return "";
  }
  static std::atomic<int> made{0};
  const std::string name =
      absl::StrCat("hotline_test_", getpid(), "_", made++, "_",
                   ::testing::UnitTest::GetInstance()->random_seed());
  if (absl::Status s =
          (*admin)->Execute(absl::StrCat("CREATE DATABASE ", name));
      !s.ok()) {
    ADD_FAILURE() << s;
    return "";
  }
  return absl::StrReplaceAll(base,
                             {{"/postgres?", absl::StrCat("/", name, "?")}});
}

}  // namespace hotline
