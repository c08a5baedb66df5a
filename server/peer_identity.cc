#include "server/peer_identity.h"

#include <grpcpp/security/auth_context.h>

#include <algorithm>

namespace hotline {

std::vector<std::string> CertificateIdentitiesOf(
    const grpc::AuthContext* context) {
  std::vector<std::string> identities;
  if (context == nullptr || !context->IsPeerAuthenticated()) return identities;
  auto add = [&](const char* property) {
    for (const grpc::string_ref& value :
         context->FindPropertyValues(property)) {
      std::string identity(value.data(), value.size());
      if (!identity.empty() && std::find(identities.begin(), identities.end(),
                                         identity) == identities.end()) {
        identities.push_back(std::move(identity));
      }
    }
  };
  add("x509_subject_alternative_name");
  add("x509_common_name");
  return identities;
}

}  // namespace hotline
