// Page tokens come back from anyone's client: any bytes decode to a key or to
// INVALID_ARGUMENT, and a token this process made decodes to its key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto decoded = mobility::DecodePageToken(input, "fingerprint");
  if (!decoded.ok() &&
      decoded.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  // The input as a key (keys are never empty; tokens longer than 1 KiB are
  // refused unread): encoded and decoded, it is itself again, and under
  // another query it is refused.
  const std::string token = mobility::EncodePageToken("fingerprint", input);
  if (input.empty() || token.size() > 1024) return 0;
  auto round_trip = mobility::DecodePageToken(token, "fingerprint");
  if (!round_trip.ok() || *round_trip != input) std::abort();
  if (mobility::DecodePageToken(token, "other").ok()) std::abort();
  return 0;
}
