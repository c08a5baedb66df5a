#include "storage/postgres/postgres.h"

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/change_set.h"

namespace hotline::storage {
namespace {

// Type OIDs of the parameters hotline binds (pg_type.h).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kByteaOid = 17;

absl::Status Unreachable(absl::string_view message) {
  return WithRetryDelay(
      WithReason(absl::UnavailableError(message), v1::SERVER_UNAVAILABLE),
      absl::Seconds(1));
}

std::string Trimmed(const char* text) {
  return std::string(absl::StripAsciiWhitespace(text == nullptr ? "" : text));
}

// Converts a failed result (or, without one, the connection's error) to a
// status by its SQLSTATE (PostgreSQL's appendix A).
absl::Status PgError(PGconn* conn, const PGresult* result,
                     absl::string_view context) {
  const char* state = result != nullptr
                          ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                          : nullptr;
  const std::string text = Trimmed(
      result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  const std::string message = absl::StrCat(context, ": ", text);
  if (state == nullptr) {
    if (PQstatus(conn) == CONNECTION_BAD) {
      return Unreachable(
          absl::StrCat("the PostgreSQL server cannot be reached: ", text));
    }
    return absl::InternalError(message);
  }
  const absl::string_view code(state);
  if (code == "23505") return absl::AlreadyExistsError(message);
  if (absl::StartsWith(code, "23")) {
    return absl::FailedPreconditionError(message);
  }
  if (code == "40001" || code == "40P01") {
    return ConflictError(
        absl::StrCat("a concurrent write got in the way (", text, "); retry"));
  }
  if (code == "53100") return DiskFullError(absl::StrCat("PostgreSQL: ", text));
  if (code == "25006") {
    return Unreachable(absl::StrCat(
        "the PostgreSQL server is read-only (a standby?): ", text));
  }
  if (absl::StartsWith(code, "08") || absl::StartsWith(code, "53") ||
      absl::StartsWith(code, "57P")) {
    return Unreachable(
        absl::StrCat("the PostgreSQL server is unavailable: ", text));
  }
  if (code == "XX001" || code == "XX002") {
    return absl::DataLossError(
        absl::StrCat("the PostgreSQL database is damaged: ", message));
  }
  return absl::InternalError(message);
}

// `sql` with each `?` outside a quoted literal or identifier replaced by $1,
// $2, ...; `count` receives how many.
std::string NumberParameters(absl::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  *count = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      absl::StrAppend(&out, "$", ++*count);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool IsPostgresUri(absl::string_view path) {
  return absl::StartsWith(path, "postgresql://") ||
         absl::StartsWith(path, "postgres://");
}

std::string RedactUri(absl::string_view uri) {
  std::string out(uri);
  const size_t scheme = out.find("://");
  const size_t at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    const size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  const size_t password = out.find("password=");
  if (password != std::string::npos) {
    const size_t end = out.find_first_of("& ", password);
    out.replace(password + 9,
                (end == std::string::npos ? out.size() : end) - password - 9,
                "***");
  }
  return out;
}

class PgConnection::Prepared final : public PreparedStatement {
 public:
  Prepared(PgConnection* owner, std::string sql, int parameters)
      : owner_(owner),
        sql_(std::move(sql)),
        values_(parameters),
        null_(parameters, true),
        types_(parameters, 0),
        formats_(parameters, 0) {}
  ~Prepared() override { Reset(); }

  void BindInt64(int index, int64_t value) override {
    Bind(index, absl::StrCat(value), kInt8Oid, 0);
  }
  void BindText(int index, absl::string_view value) override {
    Bind(index, std::string(value), kTextOid, 0);
  }
  void BindBlob(int index, absl::string_view value) override {
    Bind(index, std::string(value), kByteaOid, 1);
  }
  void BindNull(int index) override {
    if (index < 1 || index > static_cast<int>(values_.size())) return;
    values_[index - 1].clear();
    null_[index - 1] = true;
    types_[index - 1] = 0;
    formats_[index - 1] = 0;
  }

  absl::StatusOr<bool> Step() override {
    if (result_ == nullptr) {
      RETURN_IF_ERROR(Run());
      row_ = -1;
    }
    blobs_.clear();
    ++row_;
    return row_ < PQntuples(result_);
  }

  int64_t ColumnInt64(int column) const override {
    return std::strtoll(PQgetvalue(result_, row_, column), nullptr, 10);
  }
  bool ColumnIsNull(int column) const override {
    return PQgetisnull(result_, row_, column) != 0;
  }
  std::string ColumnText(int column) const override {
    return std::string(PQgetvalue(result_, row_, column),
                       PQgetlength(result_, row_, column));
  }
  absl::string_view ColumnBlob(int column) const override {
    absl::string_view text(PQgetvalue(result_, row_, column),
                           PQgetlength(result_, row_, column));
    if (!absl::ConsumePrefix(&text, "\\x")) return text;
    std::string& bytes = blobs_[column];
    bytes = absl::HexStringToBytes(text);
    return bytes;
  }
  void Reset() override {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    blobs_.clear();
    for (size_t i = 0; i < values_.size(); ++i)
      BindNull(static_cast<int>(i) + 1);
  }

 private:
  void Bind(int index, std::string value, Oid type, int format) {
    if (index < 1 || index > static_cast<int>(values_.size())) return;
    values_[index - 1] = std::move(value);
    null_[index - 1] = false;
    types_[index - 1] = type;
    formats_[index - 1] = format;
  }

  absl::Status Run() {
    RETURN_IF_ERROR(owner_->EnsureConnected());
    PGconn* conn = owner_->conn_;
    if (generation_ != owner_->generation_) {
      names_.clear();
      generation_ = owner_->generation_;
    }
    const int n = static_cast<int>(values_.size());
    std::string signature(types_.size() * sizeof(Oid), '\0');
    for (size_t i = 0; i < types_.size(); ++i) {
      signature[i * sizeof(Oid)] = static_cast<char>(types_[i]);
    }
    auto name = names_.find(signature);
    if (name == names_.end()) {
      std::string fresh = absl::StrCat("h", ++owner_->next_statement_);
      PGresult* prepared =
          PQprepare(conn, fresh.c_str(), sql_.c_str(), n, types_.data());
      const bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
      absl::Status status =
          ok ? absl::OkStatus() : PgError(conn, prepared, sql_);
      PQclear(prepared);
      owner_->NoteTransaction();
      if (!ok) return status;
      name = names_.emplace(signature, std::move(fresh)).first;
    }
    std::vector<const char*> values(n);
    std::vector<int> lengths(n);
    for (int i = 0; i < n; ++i) {
      values[i] = null_[i] ? nullptr : values_[i].data();
      lengths[i] = static_cast<int>(values_[i].size());
    }
    result_ = PQexecPrepared(conn, name->second.c_str(), n, values.data(),
                             lengths.data(), formats_.data(), 0);
    owner_->NoteTransaction();
    const ExecStatusType status = PQresultStatus(result_);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      absl::Status error = PgError(conn, result_, sql_);
      PQclear(result_);
      result_ = nullptr;
      return error;
    }
    owner_->changes_ = std::atoi(PQcmdTuples(result_));
    return absl::OkStatus();
  }

  PgConnection* const owner_;
  const std::string sql_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<Oid> types_;
  std::vector<int> formats_;
  // Server-side statement names by parameter types, valid in generation_.
  std::map<std::string, std::string> names_;
  int64_t generation_ = 0;
  PGresult* result_ = nullptr;
  int row_ = -1;
  mutable std::map<int, std::string> blobs_;
};

PgConnection::PgConnection(PGconn* conn, std::string uri)
    : conn_(conn), uri_(std::move(uri)) {}

PgConnection::~PgConnection() {
  cache_.clear();
  PQfinish(conn_);
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Open(
    const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr) {
    return Unreachable("cannot connect to PostgreSQL: out of memory");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string reason = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Unreachable(absl::StrCat("cannot connect to PostgreSQL at ",
                                    RedactUri(uri), ": ", reason));
  }
  std::unique_ptr<PgConnection> connection(new PgConnection(conn, uri));
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    return absl::FailedPreconditionError(
        "the PostgreSQL server cannot speak UTF-8 to hotline");
  }
  // Warnings (e.g. "there is no transaction in progress") are not errors;
  // libpq would print them on stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  // ColumnBlob decodes the hex form, whatever the database's default.
  RETURN_IF_ERROR(connection->Execute("SET bytea_output = 'hex'"));
  return connection;
}

void PgConnection::NoteTransaction() {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  transaction_open_ = status == PQTRANS_INTRANS || status == PQTRANS_INERROR ||
                      status == PQTRANS_ACTIVE;
}

absl::Status PgConnection::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
  if (transaction_open_) {
    // The transaction died with the connection: say so to this statement
    // (its caller rolls back) and reconnect for the next one.
    transaction_open_ = false;
    return Unreachable(
        "the connection to PostgreSQL was lost in a transaction; retry");
  }
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Unreachable(absl::StrCat("cannot reconnect to PostgreSQL at ",
                                    RedactUri(uri_), ": ",
                                    Trimmed(PQerrorMessage(conn_))));
  }
  PQsetClientEncoding(conn_, "UTF8");
  PQclear(PQexec(conn_, "SET bytea_output = 'hex'"));
  ++generation_;
  return absl::OkStatus();
}

absl::Status PgConnection::Execute(absl::string_view sql) {
  RETURN_IF_ERROR(EnsureConnected());
  const std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  NoteTransaction();
  const ExecStatusType status = PQresultStatus(result);
  absl::Status out;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    changes_ = std::atoi(PQcmdTuples(result));
  } else {
    out = PgError(conn_, result, text.substr(0, 120));
  }
  PQclear(result);
  return out;
}

absl::StatusOr<Statement> PgConnection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Statement(it->second.get());
  int count = 0;
  std::string numbered = NumberParameters(sql, &count);
  auto prepared = std::make_unique<Prepared>(this, std::move(numbered), count);
  Statement out(prepared.get());
  cache_.emplace(sql, std::move(prepared));
  return out;
}

bool PgConnection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR ||
         status == PQTRANS_ACTIVE;
}

bool PgConnection::Alive() { return Execute("SELECT 1").ok(); }

absl::Status PgConnection::CopyIn(
    const std::string& copy,
    const std::function<absl::StatusOr<bool>(std::string*)>& next) {
  RETURN_IF_ERROR(EnsureConnected());
  PGresult* started = PQexec(conn_, copy.c_str());
  if (PQresultStatus(started) != PGRES_COPY_IN) {
    absl::Status error = PgError(conn_, started, copy.substr(0, 120));
    PQclear(started);
    NoteTransaction();
    return error;
  }
  PQclear(started);
  absl::Status failed;
  std::string chunk;
  while (failed.ok()) {
    chunk.clear();
    absl::StatusOr<bool> more = next(&chunk);
    if (!more.ok()) {
      failed = more.status();
      break;
    }
    if (!chunk.empty() && PQputCopyData(conn_, chunk.data(),
                                        static_cast<int>(chunk.size())) != 1) {
      failed = Unreachable(absl::StrCat("COPY to PostgreSQL failed: ",
                                        Trimmed(PQerrorMessage(conn_))));
    }
    if (!*more) break;
  }
  // On an error of ours, the server is told to fail the COPY.
  PQputCopyEnd(conn_, failed.ok() ? nullptr : "the copy was abandoned");
  absl::Status out = failed;
  while (PGresult* result = PQgetResult(conn_)) {
    if (out.ok() && PQresultStatus(result) != PGRES_COMMAND_OK) {
      out = PgError(conn_, result, copy.substr(0, 120));
    }
    PQclear(result);
  }
  NoteTransaction();
  return out;
}

std::string CopyText(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace hotline::storage
