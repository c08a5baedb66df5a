#include "app/ticket_filter.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/error_details.h"
#include "common/input_text.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/principal.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

struct Token {
  enum class Kind { kWord, kString, kOperator };
  Kind kind;
  std::string text;
  size_t position;
};

absl::Status FilterError(size_t position, absl::string_view what) {
  const std::string message =
      absl::StrCat("filter: ", what, " (at character ", position + 1, ")");
  return WithFieldViolation(absl::InvalidArgumentError(message), "filter",
                            message);
}

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view filter) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < filter.size()) {
    const char c = filter[i];
    if (absl::ascii_isspace(c)) {
      ++i;
    } else if (c == '"') {
      std::string text;
      const size_t start = i++;
      bool closed = false;
      while (i < filter.size()) {
        if (filter[i] == '\\' && i + 1 < filter.size()) {
          text.push_back(filter[i + 1]);
          i += 2;
        } else if (filter[i] == '"') {
          ++i;
          closed = true;
          break;
        } else {
          text.push_back(filter[i++]);
        }
      }
      if (!closed) return FilterError(start, "unterminated string");
      tokens.push_back({Token::Kind::kString, text, start});
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      const size_t start = i++;
      std::string op(1, c);
      if (i < filter.size() && filter[i] == '=') op.push_back(filter[i++]);
      if (op[0] == '!') {
        return FilterError(start,
                           absl::StrCat("unknown operator ", QuoteInput(op),
                                        "; use =, <, <=, > or >="));
      }
      tokens.push_back({Token::Kind::kOperator, op, start});
    } else {
      const size_t start = i;
      while (i < filter.size() && !absl::ascii_isspace(filter[i]) &&
             filter[i] != '=' && filter[i] != '<' && filter[i] != '>' &&
             filter[i] != '!' && filter[i] != '"') {
        ++i;
      }
      tokens.push_back({Token::Kind::kWord,
                        std::string(filter.substr(start, i - start)), start});
    }
  }
  return tokens;
}

template <typename Enum>
absl::StatusOr<Enum> ParseEnumValue(const Token& value, absl::string_view field,
                                    bool (*parse)(const std::string&, Enum*),
                                    absl::string_view allowed) {
  Enum result;
  if (!parse(absl::AsciiStrToUpper(value.text), &result) ||
      static_cast<int>(result) == 0) {
    return FilterError(value.position,
                       absl::StrCat(QuoteInput(value.text), " is not a ", field,
                                    "; use one of ", allowed));
  }
  return result;
}

// received_at OP time: narrows the query's range of receipt times.
absl::Status ApplyReceivedAt(const Token& op, const Token& value,
                             storage::TicketQuery& query) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value.text, &time, &error)) {
    return FilterError(value.position,
                       absl::StrCat("received_at needs an RFC 3339 time "
                                    "such as \"2021-02-10T00:00:00+08:00\", "
                                    "not ",
                                    QuoteInput(value.text)));
  }
  // absl::ParseTime also takes "infinite-future", "infinite-past" and
  // years far beyond 9999; such a bound would match every ticket, and
  // +1 / -1 on it would overflow.
  if (absl::Status s = CheckTime(time, "received_at"); !s.ok()) {
    return FilterError(value.position, s.message());
  }
  const int64_t micros = absl::ToUnixMicros(time);
  auto raise_from = [&](int64_t from) {
    if (!query.received_from_micros || *query.received_from_micros < from) {
      query.received_from_micros = from;
    }
  };
  auto lower_until = [&](int64_t until) {
    if (!query.received_until_micros || *query.received_until_micros > until) {
      query.received_until_micros = until;
    }
  };
  if (op.text == ">=") {
    raise_from(micros);
  } else if (op.text == ">") {
    raise_from(micros + 1);
  } else if (op.text == "<=") {
    lower_until(micros);
  } else if (op.text == "<") {
    lower_until(micros - 1);
  } else {
    raise_from(micros);
    lower_until(micros);
  }
  return absl::OkStatus();
}

absl::Status Apply(const Token& field, const Token& op, const Token& value,
                   storage::TicketQuery& query) {
  const std::string& name = field.text;
  if (name == "received_at") return ApplyReceivedAt(op, value, query);
  if (op.text != "=") {
    return FilterError(
        op.position,
        absl::StrCat(QuoteInput(name), " supports only \"=\"; ",
                     QuoteInput(op.text), " works on received_at"));
  }
  if (name == "state") {
    ASSIGN_OR_RETURN(
        v1::Ticket::State state,
        ParseEnumValue(
            value, "state", &v1::Ticket::State_Parse,
            "RECEIVED, DISPATCHED, IN_PROGRESS, REPLIED, CLOSED, RETURNED, "
            "SUSPENDED"));
    query.state = state;
  } else if (name == "type") {
    ASSIGN_OR_RETURN(
        v1::Ticket::Type type,
        ParseEnumValue(value, "type", &v1::Ticket::Type_Parse,
                       "INQUIRY, HELP, SUGGESTION, COMPLAINT, REPORT, OTHER"));
    query.type = type;
  } else if (name == "urgency") {
    ASSIGN_OR_RETURN(
        v1::Ticket::Urgency urgency,
        ParseEnumValue(value, "urgency", &v1::Ticket::Urgency_Parse,
                       "NORMAL, URGENT, CRITICAL"));
    query.urgency = urgency;
  } else if (name == "department") {
    RETURN_IF_ERROR(
        ParseDepartmentName(value.text, "filter: department").status());
    query.department = value.text;
  } else if (name == "assisting") {
    RETURN_IF_ERROR(
        ParseDepartmentName(value.text, "filter: assisting").status());
    query.assisting_department = value.text;
  } else if (name == "topic") {
    query.topic = value.text;
  } else if (name == "category") {
    if (value.text.empty() || value.text.size() > 6 ||
        !std::all_of(value.text.begin(), value.text.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return FilterError(value.position,
                         absl::StrCat("category ", QuoteInput(value.text),
                                      " is not a category code (2, 4 or 6 "
                                      "digits; ListCategories gives them)"));
    }
    query.category = value.text;
  } else if (name == "source_id") {
    query.source_id = value.text;
  } else if (name == "created_by") {
    absl::StatusOr<Principal> principal = Principal::Parse(value.text);
    if (!principal.ok()) {
      return FilterError(value.position, principal.status().message());
    }
    query.created_by = value.text;
  } else {
    return FilterError(field.position,
                       absl::StrCat("unknown field ", QuoteInput(name),
                                    "; filter on state, department, "
                                    "assisting, type, "
                                    "topic, category, urgency, source_id, "
                                    "created_by or received_at"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<storage::TicketQuery> ParseTicketFilter(
    absl::string_view filter) {
  if (filter.size() > static_cast<size_t>(kMaxFilterBytes)) {
    return WithFieldViolation(
        absl::InvalidArgumentError(
            absl::StrCat("filter is ", filter.size(), " bytes long; at most ",
                         kMaxFilterBytes, " are allowed")),
        "filter", "too long");
  }
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(filter));
  storage::TicketQuery query;
  const std::vector<Token>& t = tokens;
  size_t i = 0;
  while (i < t.size()) {
    const Token& field = t[i];
    if (field.kind != Token::Kind::kWord) {
      return FilterError(field.position, "expected a field name");
    }
    if (i + 1 < t.size() && t[i + 1].kind != Token::Kind::kOperator) {
      return FilterError(t[i + 1].position,
                         absl::StrCat("expected an operator after ",
                                      QuoteInput(field.text), ", e.g. \"=\""));
    }
    if (i + 3 > t.size()) {
      return FilterError(field.position,
                         "incomplete condition; write field = value");
    }
    const Token& op = t[i + 1];
    const Token& value = t[i + 2];
    if (value.kind == Token::Kind::kOperator) {
      return FilterError(value.position, "expected a value");
    }
    RETURN_IF_ERROR(Apply(field, op, value, query));
    i += 3;
    if (i < t.size()) {
      if (t[i].kind != Token::Kind::kWord || t[i].text != "AND") {
        return FilterError(t[i].position,
                           "expected AND between conditions (OR, NOT and "
                           "parentheses are not supported)");
      }
      ++i;
      if (i == t.size()) {
        return FilterError(t[i - 1].position, "a condition must follow AND");
      }
    }
  }
  return query;
}

}  // namespace hotline
