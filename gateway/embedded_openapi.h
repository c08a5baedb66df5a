// The OpenAPI description of hotline's HTTP/JSON API as the build wrote it
// from the protos (openapi_document.h; gateway/openapi_main.cc writes the
// definition, openapi_embedded.cc in the build tree). The server serves it
// at /v1/openapi.json; the same text is installed as
// share/hotline/openapi.json.
//
// Thread-safe (a constant).
#ifndef HOTLINE_GATEWAY_EMBEDDED_OPENAPI_H_
#define HOTLINE_GATEWAY_EMBEDDED_OPENAPI_H_

#include "absl/strings/string_view.h"

namespace hotline::gateway {

// The document's JSON text.
absl::string_view EmbeddedOpenApiDocument();

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_EMBEDDED_OPENAPI_H_
