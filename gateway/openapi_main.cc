// hotline-openapi: writes the OpenAPI description of the HTTP/JSON API
// (openapi_document.h) at build time, from the descriptors protoc wrote
// with their comments:
//
//   protoc --include_imports --include_source_info
//       --descriptor_set_out=api.desc hotline/v1/hotline_service.proto
//       google/rpc/error_details.proto ...
//   hotline-openapi --descriptor_set=api.desc --version=0.1.0
//       --json_out=openapi.json --cc_out=openapi_embedded.cc
//
// --cc_out writes the same text as the definition of
// EmbeddedOpenApiDocument() (embedded_openapi.h), which the server serves.
// Exits 1 with a message on stderr when something cannot be read or
// written, 2 on a usage error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/openapi_document.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace {

int Usage() {
  std::cerr << "usage: hotline-openapi --descriptor_set=FILE "
               "[--service=hotline.v1.HotlineService] --version=V "
               "[--json_out=FILE] [--cc_out=FILE]\n";
  return 2;
}

// The text as C++ string literals, a line each; bytes outside printable
// ASCII as octal escapes (three digits: the next character cannot join).
std::string CcSource(const std::string& text) {
  std::string out =
      "// Written by hotline-openapi (gateway/openapi_main.cc) from the "
      "protos.\n// Do not edit: change the protos.\n"
      "#include \"gateway/embedded_openapi.h\"\n\n"
      "namespace hotline::gateway {\n\n"
      "absl::string_view EmbeddedOpenApiDocument() {\n"
      "  static constexpr char kDocument[] =\n";
  std::string line = "      \"";
  for (const char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      absl::StrAppend(&line, "\\", std::string(1, c));
    } else if (c == '\n') {
      absl::StrAppend(&out, line, "\\n\"\n");
      line = "      \"";
    } else if (byte < 0x20 || byte >= 0x7f || c == '?') {
      // '?' too: no trigraphs.
      absl::StrAppendFormat(&line, "\\%03o", byte);
    } else {
      line.push_back(c);
    }
  }
  absl::StrAppend(&out, line, "\";\n");
  absl::StrAppend(&out,
                  "  return absl::string_view(kDocument, sizeof(kDocument) - "
                  "1);\n}\n\n}  // namespace hotline::gateway\n");
  return out;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "hotline-openapi: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = {
      {"service", "hotline.v1.HotlineService"}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t equals = arg.find('=');
    if (!absl::StartsWith(arg, "--") || equals == std::string::npos) {
      return Usage();
    }
    const std::string name = arg.substr(2, equals - 2);
    if (name != "descriptor_set" && name != "service" && name != "version" &&
        name != "json_out" && name != "cc_out") {
      return Usage();
    }
    flags[name] = arg.substr(equals + 1);
  }
  if (flags["descriptor_set"].empty() || flags["version"].empty()) {
    return Usage();
  }
  std::ifstream in(flags["descriptor_set"], std::ios::binary);
  google::protobuf::FileDescriptorSet files;
  if (!in || !files.ParseFromIstream(&in)) {
    std::cerr << "hotline-openapi: cannot read the descriptor set "
              << flags["descriptor_set"] << "\n";
    return 1;
  }
  // Imports come first in a set protoc wrote with --include_imports.
  google::protobuf::DescriptorPool pool;
  for (const google::protobuf::FileDescriptorProto& file : files.file()) {
    if (pool.BuildFile(file) == nullptr) {
      std::cerr << "hotline-openapi: cannot build " << file.name() << "\n";
      return 1;
    }
  }
  const google::protobuf::ServiceDescriptor* service =
      pool.FindServiceByName(flags["service"]);
  if (service == nullptr) {
    std::cerr << "hotline-openapi: no service " << flags["service"] << " in "
              << flags["descriptor_set"] << "\n";
    return 1;
  }
  hotline::gateway::OpenApiOptions options;
  options.version = flags["version"];
  absl::StatusOr<std::string> document =
      hotline::gateway::OpenApiDocument(service, options);
  if (!document.ok()) {
    std::cerr << "hotline-openapi: " << document.status().message() << "\n";
    return 1;
  }
  if (!flags["json_out"].empty() && !WriteFile(flags["json_out"], *document)) {
    return 1;
  }
  if (!flags["cc_out"].empty() &&
      !WriteFile(flags["cc_out"], CcSource(*document))) {
    return 1;
  }
  return 0;
}
