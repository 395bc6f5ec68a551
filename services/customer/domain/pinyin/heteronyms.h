// Our own list of characters read in more than one way (多音字) where the readings differ
// in more than the tone. ICU's Han-Latin gives one reading per character; a name holding
// one of these must be findable by each reading, above all the one used as a surname.
#pragma once

#include "absl/types/span.h"

namespace qq::customer {

struct HeteronymEntry {
  const char* han;       // one character, UTF-8
  const char* readings;  // toneless pinyin, ü written v, space-separated, likeliest in a name first
};

// The table, in no particular order. Also carries the odd character ICU has no reading for
// (e.g. 𠮷, outside the Basic Multilingual Plane) with its single reading.
absl::Span<const HeteronymEntry> Heteronyms();

}  // namespace qq::customer
