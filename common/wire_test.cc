#include "common/wire.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mobility::wire {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Value;
using google::protobuf::util::MessageDifferencer;

// A message with a varint (bool), a fixed64 (double), strings and a nested
// message: every wire type a stored body holds.
Value Sample() {
  Value v;
  auto& fields = *v.mutable_struct_value()->mutable_fields();
  fields["amount"].set_number_value(1234.5);
  fields["paid"].set_bool_value(true);
  fields["name"].set_string_value("grants/abc");
  return v;
}

TEST(WireTest, ReadsEveryFieldAsItLiesInTheBytes) {
  Value entry;
  entry.set_number_value(2.5);
  const std::string bytes = entry.SerializeAsString() +
                            Sample().SerializeAsString() +
                            std::string("\x0d\x01\x02\x03\x04", 5);
  FieldReader reader(bytes);
  Field field;
  std::vector<int> numbers;
  std::string again;
  while (reader.Next(&field)) {
    numbers.push_back(field.number);
    again.append(field.whole.data(), field.whole.size());
  }
  EXPECT_TRUE(reader.ok());
  // number_value (fixed64), struct_value (length-delimited), then a fixed32.
  EXPECT_EQ(numbers, (std::vector<int>{2, 5, 1}));
  EXPECT_EQ(again, bytes);

  const std::string sample = Sample().SerializeAsString();
  FieldReader nested(sample);
  ASSERT_TRUE(nested.Next(&field));
  google::protobuf::Struct inside;
  ASSERT_TRUE(inside.ParseFromArray(field.content.data(),
                                    static_cast<int>(field.content.size())));
  EXPECT_TRUE(MessageDifferencer::Equals(inside, Sample().struct_value()));
}

TEST(WireTest, SplicedMessagesParseAsTheListThatHoldsThem) {
  ListValue expected;
  std::string spliced;
  for (int i = 0; i < 3; ++i) {
    Value v = Sample();
    (*v.mutable_struct_value()->mutable_fields())["i"].set_number_value(i);
    *expected.add_values() = v;
    AppendLengthDelimited(&spliced, ListValue::kValuesFieldNumber,
                          v.SerializeAsString());
  }
  // Longer than 127 bytes: a length of two varint bytes.
  const std::string long_name(300, 'x');
  expected.add_values()->set_string_value(long_name);
  Value last;
  last.set_string_value(long_name);
  AppendLengthDelimited(&spliced, ListValue::kValuesFieldNumber,
                        last.SerializeAsString());
  ListValue parsed;
  ASSERT_TRUE(parsed.ParseFromString(spliced));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, expected));
}

TEST(WireTest, BytesThatAreNoProtobufStopTheReader) {
  for (const std::string& bad : {
           std::string("\x12\x05"
                       "abc",
                       5),                      // Length past the end.
           std::string("\x08\xff\xff", 3),      // Varint cut short.
           std::string("\x09\x01\x02\x03", 4),  // Fixed64 cut short.
           std::string("\x0b\x0c", 2),          // A group.
           std::string("\x02\x00", 2),          // Field number 0.
           std::string(11, '\x80'),             // Varint over ten bytes.
       }) {
    FieldReader reader(bad);
    Field field;
    while (reader.Next(&field)) {
    }
    EXPECT_FALSE(reader.ok()) << ::testing::PrintToString(bad);
  }
  FieldReader empty("");
  Field field;
  EXPECT_FALSE(empty.Next(&field));
  EXPECT_TRUE(empty.ok());
}

}  // namespace
}  // namespace mobility::wire
