// The test every catalogue gets (common/words.h): each key once, a text in
// each language (Russian and Kazakh not the English copied), and the same
// placeholders in each.
#ifndef MOBILITY_COMMON_WORDS_TESTING_H_
#define MOBILITY_COMMON_WORDS_TESTING_H_

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/words.h"

namespace mobility::testing {

template <size_t N>
void ExpectCompleteCatalogue(const Words* const (&catalogue)[N]) {
  std::set<std::string> keys;
  for (const Words* words : catalogue) {
    const Words& w = *words;
    EXPECT_TRUE(keys.insert(w.key).second) << w.key << " twice";
    std::multiset<std::string> english;
    for (auto& p : Placeholders(w.en)) english.insert(p);
    for (Language language : kLanguages) {
      const std::string text = w.In(language);
      EXPECT_FALSE(text.empty())
          << w.key << " has no " << LanguageTag(language);
      std::multiset<std::string> names;
      for (auto& p : Placeholders(text)) names.insert(p);
      EXPECT_EQ(names, english)
          << w.key << ": the placeholders of " << LanguageTag(language)
          << " differ from English";
      if (language != Language::kEnglish) {
        EXPECT_NE(text, w.en)
            << w.key << ": " << LanguageTag(language) << " is the English";
      }
    }
  }
}

}  // namespace mobility::testing

#endif  // MOBILITY_COMMON_WORDS_TESTING_H_
