#include "services/gateway/json_printer.h"

#include <google/protobuf/stubs/strutil.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace mobility::gateway {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

constexpr char kTimestamp[] = "google.protobuf.Timestamp";
constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(uint32_t unit, std::string* out) {
  const char escape[6] = {'\\',
                          'u',
                          kHex[(unit >> 12) & 0xf],
                          kHex[(unit >> 8) & 0xf],
                          kHex[(unit >> 4) & 0xf],
                          kHex[unit & 0xf]};
  out->append(escape, 6);
}

// The code points protobuf escapes beyond JSON's own: C1 controls, and
// invisible or direction-changing ones that have been used to hide script in
// pages (json_escaping.cc).
bool ProtobufEscapes(uint32_t c) {
  return (c >= 0x80 && c <= 0x9f) || c == 0xad || (c >= 0x600 && c <= 0x603) ||
         c == 0x6dd || c == 0x70f || c == 0x17b4 || c == 0x17b5 ||
         (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
         (c >= 0x2060 && c <= 0x2064) || (c >= 0x206a && c <= 0x206f) ||
         c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) || c == 0xe0001 ||
         (c >= 0x1d173 && c <= 0x1d17a) || (c >= 0xe0020 && c <= 0xe007f);
}

// How a byte of UTF-8 text is printed: as it is, escaped (an ASCII control
// or JSON's own), or as the lead of a multi-byte sequence (its length).
enum ByteClass : unsigned char {
  kPlain = 0,
  kEscaped = 1,
  kLead2 = 2,
  kLead3 = 3,
  kLead4 = 4,
  kInvalid = 5
};

constexpr std::array<ByteClass, 256> ByteClasses() {
  std::array<ByteClass, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' ||
        c == 0x7f) {
      classes[c] = kEscaped;
    } else if (c < 0x80) {
      classes[c] = kPlain;
    } else if ((c & 0xe0) == 0xc0) {
      classes[c] = kLead2;
    } else if ((c & 0xf0) == 0xe0) {
      classes[c] = kLead3;
    } else if ((c & 0xf8) == 0xf0) {
      classes[c] = kLead4;
    } else {
      classes[c] = kInvalid;
    }
  }
  return classes;
}
constexpr std::array<ByteClass, 256> kByteClasses = ByteClasses();

void AppendAsciiEscape(unsigned char c, std::string* out) {
  switch (c) {
    case '"':
      out->append("\\\"");
      break;
    case '\\':
      out->append("\\\\");
      break;
    case '\b':
      out->append("\\b");
      break;
    case '\f':
      out->append("\\f");
      break;
    case '\n':
      out->append("\\n");
      break;
    case '\r':
      out->append("\\r");
      break;
    case '\t':
      out->append("\\t");
      break;
    default:
      AppendUnicodeEscape(c, out);
  }
}

// `text` as a JSON string; false when it is not UTF-8. What needs no escape
// is copied in runs. Not common's JsonQuoted: protobuf also escapes <, >, \b,
// \f and invisible code points, and this must be its output byte for byte.
bool AppendString(const std::string& text, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const auto* run = p;
  auto flush = [&] {
    out->append(reinterpret_cast<const char*>(run), p - run);
  };
  while (p < end) {
    const ByteClass kind = kByteClasses[*p];
    if (kind == kPlain) {
      ++p;
      continue;
    }
    if (kind == kEscaped) {
      flush();
      AppendAsciiEscape(*p, out);
      run = ++p;
      continue;
    }
    if (kind == kInvalid) return false;
    // A multi-byte sequence, and the least code point it may encode (a
    // shorter form is invalid).
    const int length = kind;
    static constexpr uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
    static constexpr unsigned char kLeadBits[] = {0, 0, 0x1f, 0x0f, 0x07};
    if (end - p < length) return false;
    uint32_t code = *p & kLeadBits[length];
    for (int i = 1; i < length; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3f);
    }
    if (code < kLeast[length] || code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    if (!ProtobufEscapes(code)) {
      p += length;
      continue;
    }
    flush();
    if (code < 0x10000) {
      AppendUnicodeEscape(code, out);
    } else {
      // As a UTF-16 surrogate pair, as JavaScript reads it.
      const uint32_t v = code - 0x10000;
      AppendUnicodeEscape(0xd800 + (v >> 10), out);
      AppendUnicodeEscape(0xdc00 + (v & 0x3ff), out);
    }
    run = p += length;
  }
  flush();
  out->push_back('"');
  return true;
}

void AppendDigits(int64_t value, int width, std::string* out) {
  char digits[20];
  for (int i = width - 1; i >= 0; --i, value /= 10)
    digits[i] = static_cast<char>('0' + value % 10);
  out->append(digits, width);
}

// RFC 3339 in UTC with 0, 3, 6 or 9 digits of fraction, as protobuf prints
// it; false outside years 1 to 9999.
bool AppendTimestamp(const pb::Message& timestamp, std::string* out) {
  const pb::Descriptor* type = timestamp.GetDescriptor();
  const pb::Reflection* reflection = timestamp.GetReflection();
  const int64_t seconds = reflection->GetInt64(timestamp, type->field(0));
  const int32_t nanos = reflection->GetInt32(timestamp, type->field(1));
  constexpr int64_t kFirst = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
  if (seconds < kFirst || seconds > kLast || nanos < 0 || nanos > 999999999)
    return false;
  const absl::CivilSecond t =
      absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  out->push_back('"');
  AppendDigits(t.year(), 4, out);
  out->push_back('-');
  AppendDigits(t.month(), 2, out);
  out->push_back('-');
  AppendDigits(t.day(), 2, out);
  out->push_back('T');
  AppendDigits(t.hour(), 2, out);
  out->push_back(':');
  AppendDigits(t.minute(), 2, out);
  out->push_back(':');
  AppendDigits(t.second(), 2, out);
  if (nanos != 0) {
    out->push_back('.');
    if (nanos % 1000000 == 0) {
      AppendDigits(nanos / 1000000, 3, out);
    } else if (nanos % 1000 == 0) {
      AppendDigits(nanos / 1000, 6, out);
    } else {
      AppendDigits(nanos, 9, out);
    }
  }
  out->append("Z\"");
  return true;
}

// Digits as protobuf's own formatting gives them (the shortest that reads
// back the same); the values JSON has no number for as strings.
template <typename T>
void AppendFloat(T value, std::string (*format)(T), std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    out->append(format(value));
  }
}

bool AppendMessage(const pb::Message& message, std::string* out);

// One value of `field`: element `index` of a repeated field, or (-1) the
// field's only value.
bool AppendValue(const pb::Message& message, const pb::Reflection* r,
                 const Field* field, int index, std::string* out) {
  const bool one = index < 0;
  switch (field->cpp_type()) {
    case Field::CPPTYPE_INT32:
      absl::StrAppend(out, one ? r->GetInt32(message, field)
                               : r->GetRepeatedInt32(message, field, index));
      return true;
    case Field::CPPTYPE_UINT32:
      absl::StrAppend(out, one ? r->GetUInt32(message, field)
                               : r->GetRepeatedUInt32(message, field, index));
      return true;
    // 64-bit integers as strings: JavaScript's numbers lose their digits.
    case Field::CPPTYPE_INT64:
      absl::StrAppend(out, "\"",
                      one ? r->GetInt64(message, field)
                          : r->GetRepeatedInt64(message, field, index),
                      "\"");
      return true;
    case Field::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"",
                      one ? r->GetUInt64(message, field)
                          : r->GetRepeatedUInt64(message, field, index),
                      "\"");
      return true;
    case Field::CPPTYPE_DOUBLE:
      AppendFloat(one ? r->GetDouble(message, field)
                      : r->GetRepeatedDouble(message, field, index),
                  pb::SimpleDtoa, out);
      return true;
    case Field::CPPTYPE_FLOAT:
      AppendFloat(one ? r->GetFloat(message, field)
                      : r->GetRepeatedFloat(message, field, index),
                  pb::SimpleFtoa, out);
      return true;
    case Field::CPPTYPE_BOOL:
      out->append((one ? r->GetBool(message, field)
                       : r->GetRepeatedBool(message, field, index))
                      ? "true"
                      : "false");
      return true;
    case Field::CPPTYPE_ENUM: {
      const int number = one ? r->GetEnumValue(message, field)
                             : r->GetRepeatedEnumValue(message, field, index);
      const pb::EnumValueDescriptor* value =
          field->enum_type()->FindValueByNumber(number);
      // A number this build does not know goes out as the number.
      if (value == nullptr) {
        absl::StrAppend(out, number);
      } else {
        absl::StrAppend(out, "\"", value->name(), "\"");
      }
      return true;
    }
    case Field::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text =
          one ? r->GetStringReference(message, field, &scratch)
              : r->GetRepeatedStringReference(message, field, index, &scratch);
      if (field->type() == Field::TYPE_BYTES) {
        absl::StrAppend(out, "\"", absl::Base64Escape(text), "\"");
        return true;
      }
      return AppendString(text, out);
    }
    case Field::CPPTYPE_MESSAGE: {
      const pb::Message& value =
          one ? r->GetMessage(message, field)
              : r->GetRepeatedMessage(message, field, index);
      if (field->message_type()->full_name() == kTimestamp)
        return AppendTimestamp(value, out);
      return AppendMessage(value, out);
    }
    default:
      return false;
  }
}

// A map with string keys as a JSON object, its keys in order so the same map
// always prints the same.
bool AppendMap(const pb::Message& message, const pb::Reflection* reflection,
               const Field* field, std::string* out) {
  const Field* key = field->message_type()->map_key();
  const Field* value = field->message_type()->map_value();
  std::vector<std::pair<std::string, const pb::Message*>> entries;
  for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
    const pb::Message& entry =
        reflection->GetRepeatedMessage(message, field, i);
    entries.emplace_back(entry.GetReflection()->GetString(entry, key), &entry);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out->push_back('{');
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out->push_back(',');
    if (!AppendString(entries[i].first, out)) return false;
    out->push_back(':');
    const pb::Message& entry = *entries[i].second;
    if (!AppendValue(entry, entry.GetReflection(), value, -1, out))
      return false;
  }
  out->push_back('}');
  return true;
}

// The fields that are set, in field number order, as protobuf prints them.
bool AppendMessage(const pb::Message& message, std::string* out) {
  const pb::Reflection* reflection = message.GetReflection();
  std::vector<const Field*> fields;
  reflection->ListFields(message, &fields);
  out->push_back('{');
  bool first = true;
  for (const Field* field : fields) {
    if (!first) out->push_back(',');
    first = false;
    absl::StrAppend(out, "\"", field->json_name(), "\":");
    if (field->is_map()) {
      if (!AppendMap(message, reflection, field, out)) return false;
      continue;
    }
    if (!field->is_repeated()) {
      if (!AppendValue(message, reflection, field, -1, out)) return false;
      continue;
    }
    out->push_back('[');
    const int size = reflection->FieldSize(message, field);
    for (int i = 0; i < size; ++i) {
      if (i > 0) out->push_back(',');
      if (!AppendValue(message, reflection, field, i, out)) return false;
    }
    out->push_back(']');
  }
  out->push_back('}');
  return true;
}

bool Printable(const pb::Descriptor* type,
               std::set<const pb::Descriptor*>* seen) {
  if (!seen->insert(type).second) return true;
  for (int i = 0; i < type->field_count(); ++i) {
    const Field* field = type->field(i);
    // Maps with string keys print as objects (AppendMap).
    if (field->is_map()) {
      if (field->message_type()->map_key()->cpp_type() != Field::CPPTYPE_STRING)
        return false;
      field = field->message_type()->map_value();
    }
    if (field->cpp_type() != Field::CPPTYPE_MESSAGE) continue;
    const pb::Descriptor* held = field->message_type();
    // Of the well-known types, Timestamp is printed here, and Empty is an
    // ordinary empty message; the others have their own JSON forms.
    if (held->file()->package() == "google.protobuf" &&
        held->full_name() != kTimestamp &&
        held->full_name() != "google.protobuf.Empty") {
      return false;
    }
    if (held->full_name() != kTimestamp && !Printable(held, seen)) return false;
  }
  return true;
}

}  // namespace

bool JsonPrintable(const pb::Descriptor* type) {
  if (type->file()->package() == "google.protobuf")
    return type->full_name() == "google.protobuf.Empty";
  std::set<const pb::Descriptor*> seen;
  return Printable(type, &seen);
}

bool PrintJson(const pb::Message& message, std::string* out) {
  return AppendMessage(message, out);
}

}  // namespace mobility::gateway
