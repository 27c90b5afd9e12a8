#include "services/gateway/path_template.h"

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace mobility::gateway {
namespace {

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("path template \"", text, "\": ", why));
}

bool IsFieldPath(absl::string_view path) {
  if (path.empty()) return false;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (part.empty() || !(absl::ascii_isalpha(part[0]) || part[0] == '_'))
      return false;
    for (char c : part)
      if (!(absl::ascii_isalnum(c) || c == '_')) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]), low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (text.empty() || text[0] != '/') return Bad(text, "must start with '/'");
  absl::string_view rest = text.substr(1);
  // The verb follows the last ':' outside braces.
  size_t depth = 0, verb_at = absl::string_view::npos;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}') --depth;
    if (rest[i] == ':' && depth == 0) verb_at = i;
  }
  if (verb_at != absl::string_view::npos) {
    t.verb_ = std::string(rest.substr(verb_at + 1));
    rest = rest.substr(0, verb_at);
    if (t.verb_.empty()) return Bad(text, "empty verb");
    ++t.literal_count_;
  }
  // Split on '/' outside braces.
  std::vector<std::string> parts;
  std::string current;
  depth = 0;
  for (char c : rest) {
    if (c == '{') ++depth;
    if (c == '}') {
      if (depth == 0) return Bad(text, "unbalanced '}'");
      --depth;
    }
    if (c == '/' && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (depth != 0) return Bad(text, "unbalanced '{'");
  parts.push_back(current);
  auto add_plain = [&](absl::string_view s) -> absl::Status {
    if (s.empty()) return Bad(text, "empty segment");
    if (!t.segments_.empty() &&
        t.segments_.back().kind == Segment::kDoubleStar) {
      return Bad(text, "'**' must be the last segment");
    }
    if (s == "*") {
      t.segments_.push_back({Segment::kStar, ""});
    } else if (s == "**") {
      t.segments_.push_back({Segment::kDoubleStar, ""});
    } else {
      if (s.find_first_of("{}*=") != absl::string_view::npos)
        return Bad(text, absl::StrCat("bad segment \"", s, "\""));
      t.segments_.push_back({Segment::kLiteral, std::string(s)});
      ++t.literal_count_;
    }
    return absl::OkStatus();
  };
  for (const std::string& part : parts) {
    if (part.empty() || part.front() != '{') {
      if (auto s = add_plain(part); !s.ok()) return s;
      continue;
    }
    if (part.back() != '}') return Bad(text, "text after a variable");
    absl::string_view inside(part);
    inside = inside.substr(1, inside.size() - 2);
    const size_t eq = inside.find('=');
    Variable v;
    v.field_path = std::string(inside.substr(0, eq));
    if (!IsFieldPath(v.field_path)) return Bad(text, "bad field path");
    v.first = t.segments_.size();
    if (eq == absl::string_view::npos) {
      if (auto s = add_plain("*"); !s.ok()) return s;
    } else {
      for (absl::string_view s : absl::StrSplit(inside.substr(eq + 1), '/')) {
        if (s.find('{') != absl::string_view::npos)
          return Bad(text, "nested variable");
        if (auto st = add_plain(s); !st.ok()) return st;
      }
    }
    v.end = t.segments_.size();
    t.variables_.push_back(std::move(v));
  }
  return t;
}

std::optional<PathTemplate::Bindings> PathTemplate::Match(
    absl::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  absl::InlinedVector<absl::string_view, 8> parts =
      absl::StrSplit(path.substr(1), '/');
  return MatchParts(parts);
}

std::optional<PathTemplate::Bindings> PathTemplate::MatchParts(
    absl::Span<const absl::string_view> parts) const {
  const bool tail =
      !segments_.empty() && segments_.back().kind == Segment::kDoubleStar;
  if (tail ? parts.size() < segments_.size() : parts.size() != segments_.size())
    return std::nullopt;
  // The verb is the end of the last part.
  absl::string_view last = parts.back();
  if (!verb_.empty()) {
    if (last.size() <= verb_.size() + 1 ||
        last.substr(last.size() - verb_.size()) != verb_ ||
        last[last.size() - verb_.size() - 1] != ':') {
      return std::nullopt;
    }
    last.remove_suffix(verb_.size() + 1);
  }
  auto part = [&](size_t i) { return i + 1 == parts.size() ? last : parts[i]; };
  // Literals first, without copying: most templates fail here.
  for (size_t i = 0; i < segments_.size(); ++i) {
    const absl::string_view p = part(i);
    if (p.empty()) return std::nullopt;
    if (segments_[i].kind != Segment::kLiteral || p == segments_[i].literal)
      continue;
    if (p.find('%') == absl::string_view::npos) return std::nullopt;
    auto decoded = PercentDecode(p);
    if (!decoded || *decoded != segments_[i].literal) return std::nullopt;
  }
  Bindings bindings;
  for (const Variable& v : variables_) {
    const size_t end = v.end == segments_.size() && tail ? parts.size() : v.end;
    std::string value;
    for (size_t i = v.first; i < end; ++i) {
      auto decoded = PercentDecode(part(i));
      if (!decoded || decoded->empty()) return std::nullopt;
      if (i > v.first) value.push_back('/');
      value += *decoded;
    }
    bindings.emplace_back(v.field_path, std::move(value));
  }
  return bindings;
}

}  // namespace mobility::gateway
