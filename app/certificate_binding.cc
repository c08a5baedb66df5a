#include "app/certificate_binding.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/store.h"

namespace hotline {

absl::Status CheckCertificateIdentity(absl::string_view identity) {
  if (identity.empty()) return absl::OkStatus();
  constexpr absl::string_view kField = "token.certificate_identity";
  auto refuse = [&](absl::string_view why) {
    return WithFieldViolation(
        absl::InvalidArgumentError(absl::StrCat(kField, " ", why)), kField,
        why);
  };
  if (identity.size() > kMaxCertificateIdentityChars) {
    return refuse(absl::StrCat("is longer than ", kMaxCertificateIdentityChars,
                               " characters"));
  }
  for (char c : identity) {
    if (c < 0x20 || c > 0x7e) {
      return refuse(
          "must be printable ASCII: a DNS name, URI or e-mail address from "
          "the certificate's subject alternative names, or its subject's "
          "common name");
    }
  }
  if (identity.front() == ' ' || identity.back() == ' ') {
    return refuse("must not start or end with a space");
  }
  return absl::OkStatus();
}

absl::Status CheckCertificateUnbound(storage::Store& store,
                                     const v1::Token& token) {
  ASSIGN_OR_RETURN(
      std::optional<storage::TokenRecord> bound,
      store.LoadTokenByCertificateIdentity(token.certificate_identity()));
  if (!bound.has_value() || bound->revoked) return absl::OkStatus();
  const std::string existing = absl::StrCat("tokens/", bound->id);
  return WithReason(
      absl::AlreadyExistsError(absl::StrCat(
          "the certificate identity \"", token.certificate_identity(),
          "\" is bound already (", existing, ", for ", bound->principal,
          "); revoke that binding first to bind it anew")),
      v1::ALREADY_EXISTS, {{"resource", existing}});
}

}  // namespace hotline
