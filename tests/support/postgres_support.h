// The tests' PostgreSQL: the throwaway cluster that ctest's "postgres"
// fixture starts (tests/postgres/cluster.sh), and a fresh database in it per
// test.
#ifndef HOTLINE_TESTS_SUPPORT_POSTGRES_SUPPORT_H_
#define HOTLINE_TESTS_SUPPORT_POSTGRES_SUPPORT_H_

#include <string>

namespace hotline {

// Whether the service tests run against PostgreSQL: HOTLINE_TEST_STORE is
// "postgres" (ctest's pg.* tests set it).
bool TestsUsePostgres();

// Creates an empty database in the test cluster (whose base URI is in the
// file $HOTLINE_TEST_POSTGRES_FILE) and returns its URI. Fails the test, and
// returns "", when there is no cluster.
std::string NewPostgresDatabase();

}  // namespace hotline

#endif  // HOTLINE_TESTS_SUPPORT_POSTGRES_SUPPORT_H_
