#include "common/wire.h"

#include <cstdint>

namespace mobility::wire {
namespace {

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// A base-128 varint off the front of `in`; false when it is cut short or
// longer than ten bytes.
bool TakeVarint(absl::string_view* in, uint64_t* value) {
  uint64_t v = 0;
  for (int i = 0; i < 10 && static_cast<size_t>(i) < in->size(); ++i) {
    const auto byte = static_cast<uint8_t>((*in)[i]);
    v |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *value = v;
      return true;
    }
  }
  return false;
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

bool FieldReader::Next(Field* field) {
  if (!ok_ || rest_.empty()) return false;
  absl::string_view in = rest_;
  uint64_t tag = 0;
  uint64_t length = 0;
  ok_ = TakeVarint(&in, &tag) && (tag >> 3) > 0 && (tag >> 3) <= 0x1fffffff;
  if (!ok_) return false;
  field->content = {};
  switch (tag & 7) {
    case kVarint:
      ok_ = TakeVarint(&in, &length);
      break;
    case kFixed64:
    case kFixed32: {
      const size_t size = (tag & 7) == kFixed64 ? 8 : 4;
      ok_ = in.size() >= size;
      if (ok_) in.remove_prefix(size);
      break;
    }
    case kLengthDelimited:
      ok_ = TakeVarint(&in, &length) && length <= in.size();
      if (ok_) {
        field->content = in.substr(0, length);
        in.remove_prefix(length);
      }
      break;
    default:  // Groups, long deprecated, and the unassigned types.
      ok_ = false;
  }
  if (!ok_) return false;
  field->number = static_cast<int>(tag >> 3);
  field->whole = rest_.substr(0, rest_.size() - in.size());
  rest_ = in;
  return true;
}

void AppendLengthDelimited(std::string* out, int number,
                           absl::string_view content) {
  AppendVarint(out, (static_cast<uint64_t>(number) << 3) | kLengthDelimited);
  AppendVarint(out, content.size());
  out->append(content.data(), content.size());
}

}  // namespace mobility::wire
