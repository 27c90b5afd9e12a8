#include "common/wire.h"

#include <google/protobuf/io/coded_stream.h>

#include <cstdint>

namespace mobility::wire {
namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

void AppendVarint(std::string* out, uint64_t v) {
  uint8_t bytes[10];  // The longest a varint is.
  const uint8_t* end = CodedOutputStream::WriteVarint64ToArray(v, bytes);
  out->append(reinterpret_cast<const char*>(bytes), end - bytes);
}

}  // namespace

// Protobuf's own reader: tags, varints and lengths are read as protobuf
// reads them, and bytes cut short or of no wire type stop the reader.
bool FieldReader::Next(Field* field) {
  if (!ok_ || rest_.empty()) return false;
  CodedInputStream in(reinterpret_cast<const uint8_t*>(rest_.data()),
                      static_cast<int>(rest_.size()));
  const uint32_t tag = in.ReadTag();
  uint64_t value = 0;
  uint32_t fixed32 = 0;
  uint32_t length = 0;
  int start = 0;
  field->content = {};
  switch (tag & 7) {
    case kVarint:
      ok_ = in.ReadVarint64(&value);
      break;
    case kFixed64:
      ok_ = in.ReadLittleEndian64(&value);
      break;
    case kFixed32:
      ok_ = in.ReadLittleEndian32(&fixed32);
      break;
    case kLengthDelimited:
      ok_ = in.ReadVarint32(&length);
      start = in.CurrentPosition();
      ok_ = ok_ && in.Skip(static_cast<int>(length));
      if (ok_) field->content = rest_.substr(start, length);
      break;
    default:  // Groups, long deprecated, and the unassigned types.
      ok_ = false;
  }
  ok_ = ok_ && (tag >> 3) > 0;  // Tag 0 ends nothing here: it is no field.
  if (!ok_) return false;
  field->number = static_cast<int>(tag >> 3);
  field->whole = rest_.substr(0, in.CurrentPosition());
  rest_.remove_prefix(field->whole.size());
  return true;
}

void AppendLengthDelimited(std::string* out, int number,
                           absl::string_view content) {
  AppendVarint(out, (static_cast<uint64_t>(number) << 3) | kLengthDelimited);
  AppendVarint(out, content.size());
  out->append(content.data(), content.size());
}

}  // namespace mobility::wire
