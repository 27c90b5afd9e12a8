#include "services/ewp/iia_compare.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace mobility::ewp {
namespace {

std::string Label(const IiaCondition& c) {
  return absl::StrCat(c.kind, " ", c.sending_hei, " → ", c.receiving_hei);
}

// Each field's values, joined, in the order the fields first appear.
std::vector<std::pair<std::string, std::string>> Fields(const IiaCondition& c) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& field : c.fields) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& f) {
      return f.first == field.first;
    });
    if (it == out.end()) {
      out.push_back(field);
    } else {
      absl::StrAppend(&it->second, ", ", field.second);
    }
  }
  return out;
}

std::string ValueOf(const std::vector<std::pair<std::string, std::string>>& f,
                    const std::string& name) {
  for (const auto& [n, v] : f) {
    if (n == name) return v;
  }
  return "";
}

}  // namespace

std::vector<v1::ConditionDifference> CompareConditions(
    const std::vector<IiaCondition>& ours,
    const std::vector<IiaCondition>& theirs) {
  std::map<std::string, std::vector<const IiaCondition*>> by_label;
  for (const auto& c : theirs) by_label[Label(c)].push_back(&c);
  std::map<std::string, size_t> used;
  std::vector<v1::ConditionDifference> out;
  for (const auto& c : ours) {
    const std::string label = Label(c);
    auto& candidates = by_label[label];
    const size_t n = used[label]++;
    if (n >= candidates.size()) {
      auto& d = out.emplace_back();
      d.set_condition(label);
      d.set_ours("present");
      continue;
    }
    const auto mine = Fields(c);
    const auto other = Fields(*candidates[n]);
    std::vector<std::string> names;
    for (const auto& f : mine) names.push_back(f.first);
    for (const auto& f : other) {
      if (std::find(names.begin(), names.end(), f.first) == names.end())
        names.push_back(f.first);
    }
    for (const std::string& name : names) {
      const std::string a = ValueOf(mine, name), b = ValueOf(other, name);
      if (a == b) continue;
      auto& d = out.emplace_back();
      d.set_condition(label);
      d.set_field(name);
      d.set_ours(a);
      d.set_theirs(b);
    }
  }
  for (const auto& [label, candidates] : by_label) {
    for (size_t n = used[label]; n < candidates.size(); ++n) {
      auto& d = out.emplace_back();
      d.set_condition(label);
      d.set_theirs("present");
    }
  }
  return out;
}

}  // namespace mobility::ewp
