// Protobuf's wire format read and written directly, so that an answer can be
// spliced from stored bodies without parsing and serialising each one: a
// message's bytes are its fields one after another, and a message field is
// its tag, its length and the bytes of the message it holds.
#ifndef MOBILITY_COMMON_WIRE_H_
#define MOBILITY_COMMON_WIRE_H_

#include <google/protobuf/descriptor.h>

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace mobility {

// A response already in wire form, answered as it is. `bytes` must parse as a
// `Message` (the server checks the method's declared type against
// descriptor()).
template <typename Message>
struct Encoded {
  static const google::protobuf::Descriptor* descriptor() {
    return Message::descriptor();
  }
  std::string bytes;
};

namespace wire {

// One field of a message as it lies in the bytes.
struct Field {
  int number = 0;
  absl::string_view whole;  // Tag, length and value: the field to copy.
  // The content of a length-delimited field (a message, string or bytes);
  // empty for the other wire types.
  absl::string_view content;
};

// Reads the fields at the top level of a message's bytes, in their order.
class FieldReader {
 public:
  explicit FieldReader(absl::string_view message) : rest_(message) {}
  // The next field into `field`; false at the end or at bytes that are not
  // protobuf (then ok() is false).
  bool Next(Field* field);
  bool ok() const { return ok_; }

 private:
  absl::string_view rest_;
  bool ok_ = true;
};

// Appends field `number` as a length-delimited field holding `content`.
void AppendLengthDelimited(std::string* out, int number,
                           absl::string_view content);

}  // namespace wire
}  // namespace mobility

#endif  // MOBILITY_COMMON_WIRE_H_
