// Every read of storage::Store (storage/store.h), asked of one store that
// holds a History (store_history.h), each answer checked against what the
// history says where it determines it, and all of them returned as text so
// that two engines' answers can be compared question by question.
//
// The questions: every load of every stored row and of rows that do not
// exist; ticket lists with each filter field alone (every value some ticket
// has, and values none has) and every pair of fields; card and daily-report
// lists likewise; the event feed whole, by department, by creator and by
// ticket; each list paged to its end at several page sizes (each page after
// the last item of the one before, full pages, then a short one, then an
// empty one); deadlines with ties; compliance; every kind, grouping and
// range of the statistics' sums, as of now and as of two earlier instants;
// the operational counts; departments, tokens, certificate bindings,
// policies, settings, event seq voids, create requests and request outcomes.
//
// Not thread-safe: one thread asks.
#ifndef HOTLINE_TESTS_STORAGE_STORE_QUESTIONS_H_
#define HOTLINE_TESTS_STORAGE_STORE_QUESTIONS_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "storage/store.h"
#include "tests/storage/store_history.h"

namespace hotline::conformance {

// What one store answered, question by question: (question, answer).
using Answers = std::vector<std::pair<std::string, std::string>>;

// Asks `store` every question (EXPECT failures name `engine`). `reads_made`
// gets the name of every Store method the questions called, as the
// compiler names it (__func__ in a Store that passes each call on), not as
// a question's label says.
Answers AskEveryRead(storage::Store& store, const History& history,
                     const std::string& engine,
                     std::set<std::string>* reads_made);

// A failure for each question the two engines answered differently (the
// first 20 in full), and one with their count.
void ExpectSameAnswers(const Answers& sqlite, const Answers& postgres);

// The names of the virtual methods of class Store in the header at
// `store_header` (storage/store.h), read from its text.
std::set<std::string> StoreMethodsDeclared(const std::string& store_header);

// The Store methods that read no stored data, each with where it is tested
// instead. Any other method is a read that AskEveryRead must call.
const std::map<std::string, std::string>& MethodsThatAreNotReads();

}  // namespace hotline::conformance

#endif  // HOTLINE_TESTS_STORAGE_STORE_QUESTIONS_H_
