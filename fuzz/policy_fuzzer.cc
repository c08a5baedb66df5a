// The policy file (--policy=FILE), any bytes.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "workflow/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hotline::fuzz::Require;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<hotline::v1::Policy> policy =
      hotline::ParsePolicy(text, "fuzz.conf");
  if (!policy.ok()) {
    Require(policy.status().code() == absl::StatusCode::kInvalidArgument,
            "a policy refused with another code than INVALID_ARGUMENT");
    hotline::fuzz::CheckMessage(policy.status());
    return 0;
  }
  // GetPolicy serves it: it must serialize and parse back.
  hotline::v1::Policy parsed;
  Require(parsed.ParseFromString(policy->SerializeAsString()),
          "a policy that does not survive serialization");
  Require(hotline::SameLimits(*policy, parsed), "SameLimits is not reflexive");
  Require(!policy->version().empty(), "a policy without a version");
  return 0;
}
