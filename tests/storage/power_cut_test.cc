// Power cuts under load (issue 27, goal 5): the SQLite store acknowledges
// only what survives one. Writers create tickets through the store from
// three threads; at a random moment the power goes (PowerCutVfs: what was
// not synced is dropped, kept or torn, at random); the store is opened
// again, as the server would after the machine restarts. After every cut:
// every create the store acknowledged is there, no ticket is there twice,
// every ticket has its CREATED event, the file passes PRAGMA
// integrity_check, and the store takes writes again.
//
// 1,000 cuts (250 in a sanitized build, which runs slower);
// HOTLINE_POWER_CUTS=N runs N.
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/new_ticket.h"
#include "tests/support/power_cut_vfs.h"
#include "tests/support/temp_dir.h"

namespace hotline::storage {
namespace {

using hotline::testing::NewTicketChanges;
using hotline::testing::PowerCutVfs;
using hotline::testing::TempDir;

int Cuts() {
  int cuts = 1000;
#if defined(__SANITIZE_ADDRESS__)
  cuts = 250;
#endif
  const char* given = std::getenv("HOTLINE_POWER_CUTS");
  if (given != nullptr) {
    EXPECT_TRUE(absl::SimpleAtoi(given, &cuts)) << given;
  }
  return cuts;
}

std::unique_ptr<SqliteStore> Open(const std::string& path) {
  StoreOptions options;
  options.path = path;
  options.read_connections = 1;
  SqliteOptions sqlite;
  sqlite.lock = true;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options, sqlite);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

std::vector<std::string> Texts(SqliteStore& store, const std::string& sql) {
  absl::StatusOr<std::vector<std::string>> texts =
      store.Read<std::vector<std::string>>(
          [&](Connection& db) { return db.QueryTexts(sql); });
  EXPECT_TRUE(texts.ok()) << sql << ": " << texts.status();
  return texts.ok() ? *texts : std::vector<std::string>();
}

TEST(PowerCut, EveryAcknowledgedCreateSurvivesAndNoneIsDuplicated) {
  const int cuts = Cuts();
  TempDir dir;
  const std::string path = dir.File("hotline.db");
  std::mt19937 random(27);
  PowerCutVfs vfs(/*seed=*/27);
  std::set<std::string> acknowledged;
  int64_t dropped_or_torn = 0;
  for (int cut = 0; cut < cuts; ++cut) {
    SCOPED_TRACE(absl::StrCat("after cut ", cut));
    std::unique_ptr<SqliteStore> store = Open(path);
    ASSERT_NE(store, nullptr);
    // What every cut so far left: each acknowledged create, once, with its
    // event.
    const std::vector<std::string> stored =
        Texts(*store, "SELECT source_id FROM tickets");
    const std::set<std::string> present(stored.begin(), stored.end());
    ASSERT_EQ(present.size(), stored.size()) << "a ticket is there twice";
    for (const std::string& id : acknowledged) {
      ASSERT_EQ(present.count(id), 1u) << "acknowledged " << id << " is lost";
    }
    ASSERT_EQ(Texts(*store,
                    "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT "
                    "1 FROM events e WHERE e.ticket_id = t.id)"),
              std::vector<std::string>{"0"});
    if (cut % 25 == 0) {
      ASSERT_EQ(Texts(*store, "PRAGMA integrity_check"),
                std::vector<std::string>{"ok"});
    }
    // Load, until the power goes after a random number of syncs.
    const int64_t cut_at = vfs.syncs() + 1 + random() % 16;
    std::atomic<bool> stop{false};
    std::atomic<int> running{3};
    std::mutex mutex;
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop.load(); ++i) {
          const std::string id = absl::StrCat("c", cut, "-w", w, "-", i);
          if (store->CommitAndWait(NewTicketChanges(*store, id)).ok()) {
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.insert(id);
          } else {
            break;  // the power is gone
          }
        }
        --running;
      });
    }
    while (vfs.syncs() < cut_at && running.load() > 0) {
      absl::SleepFor(absl::Microseconds(200));
    }
    ASSERT_GT(running.load(), 0) << "the writers failed before the cut";
    vfs.Cut();
    stop.store(true);
    for (std::thread& writer : writers) writer.join();
    store->Close();
    store.reset();
    vfs.RestoreAfterCut();
    dropped_or_torn += vfs.dropped_or_torn();
  }
  // The last cut's survivors, and writes again.
  std::unique_ptr<SqliteStore> store = Open(path);
  ASSERT_NE(store, nullptr);
  const std::vector<std::string> stored =
      Texts(*store, "SELECT source_id FROM tickets");
  const std::set<std::string> present(stored.begin(), stored.end());
  EXPECT_EQ(present.size(), stored.size());
  for (const std::string& id : acknowledged) {
    EXPECT_EQ(present.count(id), 1u) << "acknowledged " << id << " is lost";
  }
  EXPECT_EQ(Texts(*store, "PRAGMA integrity_check"),
            std::vector<std::string>{"ok"});
  EXPECT_TRUE(store->CommitAndWait(NewTicketChanges(*store, "after")).ok());
  // The cuts did cut something: unsynced writes were lost or torn.
  EXPECT_GT(dropped_or_torn, 0);
  std::cout << cuts << " power cuts: " << acknowledged.size()
            << " acknowledged creates all kept, " << stored.size()
            << " tickets stored, " << dropped_or_torn
            << " unsynced writes dropped or torn\n";
}

}  // namespace
}  // namespace hotline::storage
