#include "services/inquiries/inquiry_rules.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api.h"

namespace mobility::inquiries {
namespace {

// 32 symbols with no 0, 1, I or O, so a code read aloud or copied by hand
// survives.
constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
static_assert(sizeof(kAlphabet) - 1 == 32);
constexpr int kCodeLength = 20;

int WeightedSum(absl::string_view digits, const int (&weights)[11]) {
  int sum = 0;
  for (int i = 0; i < 11; ++i) sum += (digits[i] - '0') * weights[i];
  return sum % 11;
}

}  // namespace

bool IsValidIdentificationNumber(absl::string_view number) {
  if (number.size() != 12 ||
      !std::all_of(number.begin(), number.end(), absl::ascii_isdigit)) {
    return false;
  }
  static constexpr int kFirst[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  static constexpr int kSecond[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
  int check = WeightedSum(number, kFirst);
  if (check == 10) check = WeightedSum(number, kSecond);
  return check != 10 && check == number[11] - '0';
}

std::string RegistrationNumber(int year, int64_t sequence) {
  return absl::StrFormat("%04d-%06d", year, sequence);
}

std::string NewTrackingCode() {
  unsigned char bytes[kCodeLength];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1)
    std::abort();  // No entropy: nothing safe to do.
  std::string code;
  for (int i = 0; i < kCodeLength; ++i) {
    if (i > 0 && i % 4 == 0) code.push_back('-');
    // 256 is a multiple of 32: every symbol equally likely.
    code.push_back(kAlphabet[bytes[i] % 32]);
  }
  return code;
}

std::string TrackingCodeHash(absl::string_view code) {
  std::string canonical;
  for (char c : code) {
    if (c != '-' && c != ' ') canonical.push_back(absl::ascii_toupper(c));
  }
  return Sha256Hex(canonical);
}

}  // namespace mobility::inquiries
