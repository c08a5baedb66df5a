// The contract of storage::Store (storage/store.h), as typed tests that
// every implementation must pass. Each implementation gives a factory that
// opens a store on a fresh location and can open it again (a restart).
// The SQLite store on a file in a temporary directory, and the PostgreSQL
// store on a fresh database of the test cluster (ctest's postgres fixture).
// Then every read of the interface asked of both engines holding the same
// data, their answers compared (StoreConformanceAcrossEngines).
#include <atomic>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "gtest/gtest.h"
#include "storage/change_set.h"
#include "storage/open_store.h"
#include "tests/storage/new_ticket.h"
#include "tests/storage/store_history.h"
#include "tests/storage/store_questions.h"
#include "tests/support/postgres_support.h"
#include "tests/support/temp_dir.h"
#include "workflow/stat_facts.h"

namespace hotline {
namespace {

using storage::ChangeSet;
using storage::Store;
using v1::Event;
using v1::Ticket;

const absl::TimeZone& Beijing() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    absl::LoadTimeZone("Asia/Shanghai", z);
    return z;
  }();
  return *zone;
}

// Opens the SQLite store in a temporary directory; Reopen closes it and
// opens the same file again.
class SqliteFactory {
 public:
  std::unique_ptr<Store> Open() {
    storage::StoreOptions options;
    options.path = dir_.File("conformance.db");
    options.time_zone = "Asia/Shanghai";
    absl::StatusOr<std::unique_ptr<Store>> store = storage::OpenStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

 private:
  testing::TempDir dir_;
};

// Opens the PostgreSQL store on a database of its own; Reopen opens the same
// database again.
class PostgresFactory {
 public:
  std::unique_ptr<Store> Open() {
    if (uri_.empty()) uri_ = NewPostgresDatabase();
    storage::StoreOptions options;
    options.path = uri_;
    options.time_zone = "Asia/Shanghai";
    absl::StatusOr<std::unique_ptr<Store>> store = storage::OpenStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

 private:
  std::string uri_;
};

template <typename Factory>
class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = factory_.Open();
    ASSERT_NE(store_, nullptr);
  }

  void Reopen() {
    store_->Close();
    store_.reset();
    store_ = factory_.Open();
    ASSERT_NE(store_, nullptr);
  }

  // A received ticket of `source_id` (none when empty), with its creation
  // event and statistics, as a change set; `out` gets the ticket.
  ChangeSet NewTicket(const std::string& source_id, Ticket* out) {
    return testing::NewTicketChanges(*store_, source_id, out);
  }

  int64_t ReceivedTotal() {
    storage::StatSumQuery query;
    query.kind = storage::kStatAll;
    query.group = storage::StatSumQuery::kByA;
    query.from_day = 0;
    query.to_day = 1'000'000;
    absl::StatusOr<std::vector<storage::StatSums>> sums =
        store_->SumStats({query});
    EXPECT_TRUE(sums.ok()) << sums.status();
    int64_t total = 0;
    for (const auto& [key, vector] : (*sums)[0]) total += vector[kReceived];
    return total;
  }

  Factory factory_;
  std::unique_ptr<Store> store_;
};

// Names the typed tests StoreConformance/Sqlite.* and .../Postgres.*.
class ImplementationNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteFactory> ? "Sqlite" : "Postgres";
  }
};
using Implementations = ::testing::Types<SqliteFactory, PostgresFactory>;
TYPED_TEST_SUITE(StoreConformance, Implementations, ImplementationNames);

TYPED_TEST(StoreConformance, ACommittedChangeIsReadBackAndSurvivesARestart) {
  Ticket made;
  ASSERT_TRUE(this->store_->CommitAndWait(this->NewTicket("A-1", &made)).ok());
  const int64_t id = storage::TicketId(made);
  this->Reopen();
  absl::StatusOr<std::optional<Ticket>> loaded = this->store_->LoadTicket(id);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->title(), "施工噪音");
  EXPECT_EQ((*loaded)->etag(), "1");
  absl::StatusOr<std::optional<Ticket>> by_source =
      this->store_->LoadTicketBySourceId("A-1");
  ASSERT_TRUE(by_source.ok());
  ASSERT_TRUE(by_source->has_value());
  EXPECT_EQ((*by_source)->name(), made.name());
  absl::StatusOr<std::vector<Event>> events =
      this->store_->QueryTicketEvents(id, 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_GT((*events)[0].seq(), 0);
  EXPECT_EQ(this->ReceivedTotal(), 1);
}

TYPED_TEST(StoreConformance, AStaleVersionIsAConflictAndWritesNothing) {
  Ticket made;
  ASSERT_TRUE(this->store_->CommitAndWait(this->NewTicket("", &made)).ok());
  const int64_t id = storage::TicketId(made);
  auto step = [&](const Ticket& before, const std::string& title) {
    Ticket after = before;
    after.set_title(title);
    after.set_etag(absl::StrCat(std::stoi(before.etag()) + 1));
    ChangeSet changes;
    changes.ExpectVersion(id, before.etag());
    changes.tickets.push_back(after);
    Event event;
    event.set_ticket(made.name());
    event.set_type(Event::DISPATCHED);
    changes.events.push_back(event);
    changes.stat_changes = TicketStatChanges(&before, after, Beijing());
    return changes;
  };
  ASSERT_TRUE(this->store_->CommitAndWait(step(made, "first")).ok());
  const absl::StatusOr<int64_t> seq_before = this->store_->LatestSeq();
  // A second writer that read version 1 too.
  absl::Status stale = this->store_->CommitAndWait(step(made, "second"));
  EXPECT_TRUE(storage::IsConflict(stale)) << stale;
  EXPECT_EQ(*this->store_->LatestSeq(), *seq_before);
  EXPECT_EQ((*this->store_->LoadTicket(id))->title(), "first");
  EXPECT_EQ((*this->store_->LoadTicket(id))->etag(), "2");
  EXPECT_EQ(this->ReceivedTotal(), 1);
}

TYPED_TEST(StoreConformance, ATakenSourceIdIsAConflictAndWritesNothing) {
  ASSERT_TRUE(
      this->store_->CommitAndWait(this->NewTicket("dup", nullptr)).ok());
  absl::Status again =
      this->store_->CommitAndWait(this->NewTicket("dup", nullptr));
  EXPECT_TRUE(storage::IsConflict(again)) << again;
  EXPECT_EQ(*this->store_->LatestSeq(), 1);
  EXPECT_EQ(this->ReceivedTotal(), 1);
}

// Attachments' bytes (blob_writer.h): stored once under their SHA-256,
// read back whole and checked, kept while an attachment names them and
// across a restart, collected when none does; a writer dropped before
// Finish stores nothing.
TYPED_TEST(StoreConformance, BlobsAreStoredOnceAndCheckedOnRead) {
  auto store_bytes = [&](const std::string& bytes) {
    absl::StatusOr<std::unique_ptr<storage::BlobWriter>> blob =
        this->store_->NewBlob();
    EXPECT_TRUE(blob.ok()) << blob.status();
    EXPECT_TRUE((*blob)->Append(bytes.substr(0, 3)).ok());
    EXPECT_TRUE((*blob)->Append(bytes.substr(3)).ok());
    absl::StatusOr<storage::BlobRef> ref = (*blob)->Finish();
    EXPECT_TRUE(ref.ok()) << ref.status();
    return ref.ok() ? *ref : storage::BlobRef();
  };
  const storage::BlobRef kept = store_bytes("现场照片 kept");
  EXPECT_EQ(kept.sha256, Sha256Hex("现场照片 kept"));
  EXPECT_EQ(kept.size,
            static_cast<int64_t>(std::string("现场照片 kept").size()));
  EXPECT_EQ(store_bytes("现场照片 kept").sha256, kept.sha256);  // once
  const storage::BlobRef orphan = store_bytes("an upload never recorded");
  {
    absl::StatusOr<std::unique_ptr<storage::BlobWriter>> dropped =
        this->store_->NewBlob();
    ASSERT_TRUE(dropped.ok());
    ASSERT_TRUE((*dropped)->Append("never finished").ok());
  }
  absl::StatusOr<std::string> read = this->store_->ReadBlob(kept.sha256);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "现场照片 kept");
  EXPECT_EQ(this->store_->ReadBlob(Sha256Hex("never finished")).status().code(),
            absl::StatusCode::kDataLoss);

  // An attachment names `kept`; a collection removes only `orphan`, and
  // only once it is old enough.
  Ticket ticket;
  ChangeSet changes = this->NewTicket("", &ticket);
  storage::AttachmentRow row;
  row.ticket_id = storage::TicketId(ticket);
  row.number = 1;
  row.sha256 = kept.sha256;
  row.size = kept.size;
  row.added_by = "department/housing";
  row.added_at_micros = 1;
  changes.attachments.push_back(row);
  ASSERT_TRUE(this->store_->CommitAndWait(std::move(changes)).ok());
  absl::StatusOr<int> young = this->store_->CollectBlobs(absl::Hours(1));
  ASSERT_TRUE(young.ok()) << young.status();
  EXPECT_EQ(*young, 0);
  absl::StatusOr<int> collected =
      this->store_->CollectBlobs(absl::ZeroDuration());
  ASSERT_TRUE(collected.ok()) << collected.status();
  EXPECT_EQ(*collected, 1);
  EXPECT_EQ(this->store_->ReadBlob(orphan.sha256).status().code(),
            absl::StatusCode::kDataLoss);
  this->Reopen();
  read = this->store_->ReadBlob(kept.sha256);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "现场照片 kept");
  absl::StatusOr<int64_t> used =
      this->store_->SumAttachmentBytes("department/housing", 0, 2);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, kept.size);
}

TYPED_TEST(StoreConformance, NumbersAreUniqueAcrossThreads) {
  std::vector<std::thread> threads;
  absl::Mutex mutex;
  std::set<int64_t> seen;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        absl::StatusOr<int64_t> n =
            this->store_->ReserveNumbers(storage::NumberKind::kCard, 2);
        ASSERT_TRUE(n.ok());
        absl::MutexLock lock(&mutex);
        EXPECT_TRUE(seen.insert(*n).second);
        EXPECT_TRUE(seen.insert(*n + 1).second);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(seen.size(), 2000u);
}

// Concurrent commits: every one acknowledged is stored once, seqs follow
// commit order without gaps in what a reader sees, the listener hears every
// event once in seq order, and the statistics count each ticket once.
TYPED_TEST(StoreConformance, ConcurrentCommitsKeepSeqOrderAndExactSums) {
  absl::Mutex mutex;
  std::vector<int64_t> heard;
  this->store_->SetCommitListener([&](const std::vector<Event>& events) {
    absl::MutexLock lock(&mutex);
    for (const Event& e : events) heard.push_back(e.seq());
  });
  constexpr int kCommits = 400;
  std::vector<std::promise<absl::Status>> done(kCommits);
  for (int i = 0; i < kCommits; ++i) {
    this->store_->Commit(this->NewTicket(absl::StrCat("c-", i), nullptr),
                         [&done, i](absl::Status s) { done[i].set_value(s); });
  }
  for (auto& d : done) ASSERT_TRUE(d.get_future().get().ok());
  EXPECT_EQ(this->ReceivedTotal(), kCommits);
  storage::EventFeedQuery feed;
  feed.limit = kCommits + 10;
  absl::StatusOr<std::vector<Event>> events =
      this->store_->QueryEventFeed(feed);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<size_t>(kCommits));
  for (size_t i = 1; i < events->size(); ++i) {
    EXPECT_EQ((*events)[i].seq(), (*events)[i - 1].seq() + 1);
  }
  // A store shared by several processes hands events on from a follower
  // thread, shortly after their commit.
  absl::MutexLock lock(&mutex);
  mutex.AwaitWithTimeout(absl::Condition(
                             +[](std::vector<int64_t>* h) {
                               return h->size() >=
                                      static_cast<size_t>(kCommits);
                             },
                             &heard),
                         absl::Seconds(60));
  ASSERT_EQ(heard.size(), static_cast<size_t>(kCommits));
  for (size_t i = 1; i < heard.size(); ++i) {
    EXPECT_LT(heard[i - 1], heard[i]);
  }
}

TYPED_TEST(StoreConformance, AFailedChangeSetLeavesItsGroupIntact) {
  // Two change sets in flight: the second takes the first's source_id and
  // fails alone.
  std::promise<absl::Status> first, second;
  this->store_->Commit(this->NewTicket("same", nullptr),
                       [&](absl::Status s) { first.set_value(s); });
  this->store_->Commit(this->NewTicket("same", nullptr),
                       [&](absl::Status s) { second.set_value(s); });
  EXPECT_TRUE(first.get_future().get().ok());
  EXPECT_TRUE(storage::IsConflict(second.get_future().get()));
  EXPECT_EQ(this->ReceivedTotal(), 1);
  EXPECT_EQ(*this->store_->LatestSeq(), 1);
}

TYPED_TEST(StoreConformance, SettingsAndDepartmentsRoundTrip) {
  ChangeSet changes;
  changes.settings.emplace_back(storage::kRehearsalClockSetting, "123");
  v1::Department d;
  d.set_name("departments/housing");
  d.set_display_name("住建局");
  changes.departments.push_back({"housing", d});
  ASSERT_TRUE(this->store_->CommitAndWait(std::move(changes)).ok());
  EXPECT_EQ(**this->store_->LoadSetting(storage::kRehearsalClockSetting),
            "123");
  ASSERT_TRUE(this->store_->LoadDepartment("housing")->has_value());
  ChangeSet again;
  again.departments.push_back({"housing", d});
  EXPECT_TRUE(storage::IsConflict(this->store_->CommitAndWait(again)));
}

// ---- Every read, on both engines, against one history.
//
// The same history (store_history.h) is committed to a SQLite store and to a
// PostgreSQL store; every read of storage/store.h is asked of both
// (store_questions.h): ticket lists with each filter field alone and every
// pair of fields, every list paged to its end at several page sizes. Each
// question must get the same answer from both engines, and each answer the
// history determines must be it. A read that store.h declares and no
// question asks fails the test, and so does a new Store method that nobody
// has classed as a read or not.

using conformance::Answers;
using conformance::History;

// Commits the history to `store`, one change set after another.
void CommitHistory(Store& store, const History& history,
                   const std::string& engine) {
  for (size_t i = 0; i < history.commits.size(); ++i) {
    absl::Status committed = store.CommitAndWait(history.commits[i]);
    ASSERT_TRUE(committed.ok())
        << engine << ": commit " << i << " of the history: " << committed;
  }
}

TEST(StoreConformanceAcrossEngines, TheHeaderReaderFindsEveryStoreMethod) {
  const std::set<std::string> declared =
      conformance::StoreMethodsDeclared(HOTLINE_STORE_HEADER);
  // One of each shape: on one line, over two lines, with parentheses in
  // its parameters, const, and the non-virtual helper left out.
  for (const char* name : {"LoadTicket", "QueryDailyReports",
                           "SetCommitListener", "health", "Close"}) {
    EXPECT_TRUE(declared.count(name))
        << name << " not found in " << HOTLINE_STORE_HEADER;
  }
  EXPECT_FALSE(declared.count("CommitAndWait"));
  EXPECT_FALSE(declared.count("Store"));
  EXPECT_GE(declared.size(), 35u);
  // Every method classed as not a read is still declared.
  for (const auto& [name, where] : conformance::MethodsThatAreNotReads()) {
    EXPECT_TRUE(declared.count(name)) << name << " is no longer in store.h";
  }
}

TEST(StoreConformanceAcrossEngines, EveryReadAnswersAlikeOnBothEngines) {
  SqliteFactory sqlite_factory;
  PostgresFactory postgres_factory;
  std::unique_ptr<Store> sqlite = sqlite_factory.Open();
  std::unique_ptr<Store> postgres = postgres_factory.Open();
  ASSERT_NE(sqlite, nullptr);
  ASSERT_NE(postgres, nullptr);
  // Both fresh stores hand out the same first numbers, so the history's
  // names are the same in both.
  std::vector<int64_t> firsts;
  for (storage::NumberKind kind :
       {storage::NumberKind::kTicket, storage::NumberKind::kCard,
        storage::NumberKind::kToken}) {
    absl::StatusOr<int64_t> in_sqlite = sqlite->ReserveNumbers(kind, 200);
    absl::StatusOr<int64_t> in_postgres = postgres->ReserveNumbers(kind, 200);
    ASSERT_TRUE(in_sqlite.ok()) << in_sqlite.status();
    ASSERT_TRUE(in_postgres.ok()) << in_postgres.status();
    ASSERT_EQ(*in_sqlite, *in_postgres);
    firsts.push_back(*in_sqlite);
  }
  const History history =
      conformance::RecordHistory(firsts[0], firsts[1], firsts[2]);
  ASSERT_NO_FATAL_FAILURE(CommitHistory(*sqlite, history, "SQLite"));
  ASSERT_NO_FATAL_FAILURE(CommitHistory(*postgres, history, "PostgreSQL"));

  std::set<std::string> sqlite_reads;
  std::set<std::string> postgres_reads;
  const Answers sqlite_answers =
      conformance::AskEveryRead(*sqlite, history, "SQLite", &sqlite_reads);
  const Answers postgres_answers = conformance::AskEveryRead(
      *postgres, history, "PostgreSQL", &postgres_reads);
  conformance::ExpectSameAnswers(sqlite_answers, postgres_answers);

  // Every read of store.h was asked, of both.
  const std::set<std::string> declared =
      conformance::StoreMethodsDeclared(HOTLINE_STORE_HEADER);
  ASSERT_FALSE(declared.empty()) << "cannot read " << HOTLINE_STORE_HEADER;
  for (const std::string& method : declared) {
    if (conformance::MethodsThatAreNotReads().count(method)) continue;
    EXPECT_TRUE(sqlite_reads.count(method) && postgres_reads.count(method))
        << "Store::" << method
        << " (storage/store.h) has no question in Questions::AskEveryRead: "
           "add one, or class it in MethodsThatAreNotReads";
  }
  std::cout << "asked " << sqlite_answers.size()
            << " questions of each engine\n";
}

}  // namespace
}  // namespace hotline
