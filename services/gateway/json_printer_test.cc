// The gateway's JSON printer against protobuf's own, on random messages of
// every type the gateway answers with, and on every Unicode code point.
#include "services/gateway/json_printer.h"

#include <google/protobuf/empty.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/applications/v1/calls.pb.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "services/gateway/contracts.h"
#include "services/gateway/routes.h"
#include "services/gateway/transcode.h"

namespace mobility::gateway {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

std::string ProtobufJson(const pb::Message& message) {
  std::string out;
  EXPECT_TRUE(pb::util::MessageToJsonString(message, &out).ok());
  return out;
}

// Fills messages at random: every field type at its edges, text from the
// scripts the office meets and the characters JSON and protobuf escape,
// enum numbers the contract does not name, and time stamps with 0, 3, 6
// and 9 digits of fraction.
class RandomFiller {
 public:
  explicit RandomFiller(uint32_t seed) : random_(seed) {}

  void Fill(pb::Message* message, int depth) {
    const pb::Descriptor* type = message->GetDescriptor();
    if (type->full_name() == "google.protobuf.Timestamp") {
      return FillTimestamp(message);
    }
    for (int i = 0; i < type->field_count(); ++i) {
      const Field* field = type->field(i);
      if (Pick(2) == 0) continue;
      if (field->cpp_type() == Field::CPPTYPE_MESSAGE && depth >= 4) continue;
      // A map's entries protobuf prints in its hash order, this printer in
      // key order: one entry compares exactly; MapsPrintInKeyOrder the rest.
      const int count = field->is_map()        ? 1
                        : field->is_repeated() ? Pick(4)
                                               : 1;
      for (int n = 0; n < count; ++n) Set(message, field, depth);
    }
  }

 private:
  int Pick(int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(random_);
  }

  template <typename T>
  T Edge() {
    const T values[] = {0,
                        1,
                        7,
                        std::numeric_limits<T>::max(),
                        std::numeric_limits<T>::min(),
                        static_cast<T>(random_())};
    return values[Pick(6)];
  }

  std::string Text() {
    static const char* const kPieces[] = {
        "a",          "Z",      "0",          " ",          "\"",
        "\\",         "/",      "<",          ">",          "&",
        "'",          "=",      "\n",         "\t",         "\r",
        "\b",         "\f",     "\x01",       "\x1f",       "\x7f",
        "é",          "Қазақ",  "Ұлы",        "Жаңа",       "Рига",
        "€",          "\u0080", "\u009f",     "\u00a0",     "\u00ad",
        "\u0600",     "\u06dd", "\u070f",     "\u17b4",     "\u200b",
        "\u200f",     "\u2028", "\u202e",     "\u2060",     "\u206f",
        "\ufeff",     "\ufffb", "\U0001f600", "\U000e0001", "\U0001d173",
        "\U000e007f", "grant"};
    std::string text;
    for (int n = Pick(7); n > 0; --n) text += kPieces[Pick(std::size(kPieces))];
    return text;
  }

  void FillTimestamp(pb::Message* message) {
    const pb::Reflection* r = message->GetReflection();
    const pb::Descriptor* type = message->GetDescriptor();
    const int64_t seconds[] = {0,
                               1795900000,
                               -62135596800,
                               253402300799,
                               -1,
                               1000000000 + Pick(1000000000)};
    const int32_t nanos[] = {0, 500000000, 123000,
                             1, 999999999, Pick(1000000000)};
    r->SetInt64(message, type->field(0), seconds[Pick(6)]);
    r->SetInt32(message, type->field(1), nanos[Pick(6)]);
  }

  void Set(pb::Message* m, const Field* f, int depth) {
    const pb::Reflection* r = m->GetReflection();
    const bool many = f->is_repeated();
    switch (f->cpp_type()) {
      case Field::CPPTYPE_INT32:
        many ? r->AddInt32(m, f, Edge<int32_t>())
             : r->SetInt32(m, f, Edge<int32_t>());
        break;
      case Field::CPPTYPE_UINT32:
        many ? r->AddUInt32(m, f, Edge<uint32_t>())
             : r->SetUInt32(m, f, Edge<uint32_t>());
        break;
      case Field::CPPTYPE_INT64:
        many ? r->AddInt64(m, f, Edge<int64_t>())
             : r->SetInt64(m, f, Edge<int64_t>());
        break;
      case Field::CPPTYPE_UINT64:
        many ? r->AddUInt64(m, f, Edge<uint64_t>())
             : r->SetUInt64(m, f, Edge<uint64_t>());
        break;
      case Field::CPPTYPE_DOUBLE: {
        const double values[] = {
            0.0,
            -0.0,
            0.1,
            1e300,
            -2.5e-308,
            43.2389,
            std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::quiet_NaN(),
            std::uniform_real_distribution<double>(-180, 180)(random_)};
        const double v = values[Pick(std::size(values))];
        many ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
        break;
      }
      case Field::CPPTYPE_FLOAT: {
        const float values[] = {
            0.0f,
            0.1f,
            3.4e38f,
            -1.5f,
            std::numeric_limits<float>::infinity(),
            std::uniform_real_distribution<float>(-1, 1)(random_)};
        const float v = values[Pick(std::size(values))];
        many ? r->AddFloat(m, f, v) : r->SetFloat(m, f, v);
        break;
      }
      case Field::CPPTYPE_BOOL:
        many ? r->AddBool(m, f, Pick(2)) : r->SetBool(m, f, Pick(2));
        break;
      case Field::CPPTYPE_ENUM: {
        const pb::EnumDescriptor* e = f->enum_type();
        const int number = Pick(5) == 0
                               ? 1000 + Pick(100)
                               : e->value(Pick(e->value_count()))->number();
        many ? r->AddEnumValue(m, f, number) : r->SetEnumValue(m, f, number);
        break;
      }
      case Field::CPPTYPE_STRING: {
        std::string value = Text();
        if (f->type() == Field::TYPE_BYTES) {
          value.clear();
          for (int n = Pick(12); n > 0; --n)
            value.push_back(static_cast<char>(random_()));
        }
        many ? r->AddString(m, f, value) : r->SetString(m, f, value);
        break;
      }
      case Field::CPPTYPE_MESSAGE:
        Fill(many ? r->AddMessage(m, f) : r->MutableMessage(m, f), depth + 1);
        break;
      default:
        FAIL() << f->full_name() << " has a type the filler does not know";
    }
  }

  std::mt19937 random_;
};

TEST(JsonPrinterTest, EveryResponseTypeIsPrintedAsProtobufPrintsIt) {
  auto router = Router::FromServices(*pb::DescriptorPool::generated_pool(),
                                     ServedServices());
  ASSERT_TRUE(router.ok()) << router.status();
  RandomFiller filler(20261129);
  int compared = 0;
  for (const Route& route : router->routes()) {
    // The fast path is meant for every answer; a type it does not cover
    // still works (protobuf prints it) but costs the gateway its speed.
    EXPECT_TRUE(route.json_printable) << route.method->full_name();
    const pb::Message* prototype =
        pb::MessageFactory::generated_factory()->GetPrototype(
            route.method->output_type());
    for (int i = 0; i < 40; ++i) {
      std::unique_ptr<pb::Message> message(prototype->New());
      filler.Fill(message.get(), 0);
      std::string mine;
      ASSERT_TRUE(PrintJson(*message, &mine)) << message->DebugString();
      ASSERT_EQ(mine, ProtobufJson(*message)) << route.method->full_name();
      ++compared;
    }
  }
  EXPECT_GT(compared, 1000);
}

TEST(JsonPrinterTest, EveryCodePointIsEscapedAsProtobufEscapesIt) {
  agreements::v1::Agreement agreement;
  for (uint32_t first = 0; first <= 0x10ffff; first += 2048) {
    std::string text;
    for (uint32_t c = first; c < first + 2048 && c <= 0x10ffff; ++c) {
      if (c >= 0xd800 && c <= 0xdfff) continue;  // Not text in UTF-8.
      if (c < 0x80) {
        text.push_back(static_cast<char>(c));
      } else if (c < 0x800) {
        text += {static_cast<char>(0xc0 | c >> 6),
                 static_cast<char>(0x80 | (c & 0x3f))};
      } else if (c < 0x10000) {
        text += {static_cast<char>(0xe0 | c >> 12),
                 static_cast<char>(0x80 | (c >> 6 & 0x3f)),
                 static_cast<char>(0x80 | (c & 0x3f))};
      } else {
        text += {static_cast<char>(0xf0 | c >> 18),
                 static_cast<char>(0x80 | (c >> 12 & 0x3f)),
                 static_cast<char>(0x80 | (c >> 6 & 0x3f)),
                 static_cast<char>(0x80 | (c & 0x3f))};
      }
    }
    agreement.set_title(text);
    std::string mine;
    ASSERT_TRUE(PrintJson(agreement, &mine));
    ASSERT_EQ(mine, ProtobufJson(agreement)) << "code points from " << first;
  }
}

TEST(JsonPrinterTest, LeavesToProtobufWhatItDoesNotPrintExactly) {
  agreements::v1::Agreement agreement;
  for (const char* not_utf8 : {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xe2\x82",
                               "\xf4\x90\x80\x80", "a\x80"}) {
    agreement.set_title(not_utf8);
    std::string out;
    EXPECT_FALSE(PrintJson(agreement, &out)) << absl::CEscape(not_utf8);
  }
  // A time stamp past 9999 is protobuf's to refuse, and the gateway's
  // answer is then an error, never a wrong date.
  auto router = Router::FromServices(*pb::DescriptorPool::generated_pool(),
                                     ServedServices());
  ASSERT_TRUE(router.ok());
  std::vector<std::string> allowed;
  auto match = router->Find("GET", "/v1/inquiries/x", &allowed);
  ASSERT_NE(match.route, nullptr);
  inquiries::v1::Inquiry inquiry;
  inquiry.mutable_receipt()->mutable_receive_time()->set_seconds(253402300800);
  std::string out;
  EXPECT_FALSE(PrintJson(inquiry, &out));
  EXPECT_EQ(ResponseJson(*match.route, inquiry).status().code(),
            absl::StatusCode::kInternal);

  // A field mask has its own JSON form, which only protobuf prints.
  EXPECT_FALSE(
      JsonPrintable(agreements::v1::UpdateAgreementRequest::descriptor()));
  EXPECT_TRUE(JsonPrintable(pb::Empty::descriptor()));
}

}  // namespace
// The same map prints the same whatever its order inside, and reads back.
TEST(JsonPrinterTest, MapsPrintInKeyOrder) {
  mobility::applications::v1::Call call;
  (*call.mutable_title_translations())["ru"] = "Обмены";
  (*call.mutable_title_translations())["en"] = "Exchanges";
  (*call.mutable_title_translations())["kk"] = "Алмасулар";
  std::string json;
  ASSERT_TRUE(PrintJson(call, &json));
  EXPECT_EQ(json,
            "{\"titleTranslations\":{\"en\":\"Exchanges\",\"kk\":"
            "\"Алмасулар\",\"ru\":\"Обмены\"}}");
  mobility::applications::v1::Call back;
  ASSERT_TRUE(pb::util::JsonStringToMessage(json, &back).ok());
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(call, back));
}

}  // namespace mobility::gateway
