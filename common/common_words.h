// The words of common/'s own checks, in kk, ru and en (common/words.h).
#ifndef MOBILITY_COMMON_COMMON_WORDS_H_
#define MOBILITY_COMMON_COMMON_WORDS_H_

#include "common/words.h"

#define MOBILITY_CATALOGUE "common/common_words.inc"
namespace mobility::common_words {
#include "common/catalogue.inc"
}  // namespace mobility::common_words
#undef MOBILITY_CATALOGUE

#endif  // MOBILITY_COMMON_COMMON_WORDS_H_
