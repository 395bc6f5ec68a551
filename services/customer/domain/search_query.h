// The hotline search box: what a query is (a whole phone, the last digits of one, pinyin,
// or a Chinese name/address fragment), the terms stored per customer so that each kind is
// an index lookup, and how hits of several lookups are merged. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::customer {

// A stored search term of a customer; a query matches when it is a prefix of one.
struct SearchTerm {
  enum Kind { kNameFragment = 1, kPinyin = 2 };
  Kind kind;
  std::string text;
};

// Name suffixes (so any fragment of the name is a prefix of one) and pinyin keys (full
// spelling, initials and mixed forms, for every reading of a 多音字).
std::vector<SearchTerm> SearchTermsForName(absl::string_view name);

struct SearchPlan {
  enum Kind {
    kPhone,        // a whole normalised phone number: exact lookup by blind index
    kPhoneSuffix,  // 4+ digits: the last four select candidates, the rest is checked
    kPinyin,       // latin letters: prefix of a pinyin key
    kText,         // anything else: name fragment, and address fragment (3+ characters)
  };
  Kind kind;
  std::string text;  // normalised phone, digits, pinyin key or trimmed text
};

inline constexpr size_t kMaxSearchQueryChars = 50;

// Phones and pinyin are recognised in the query's NFKC form (full-width ９１３９ is a phone
// suffix). INVALID_ARGUMENT (field "q") for an empty query, fewer than 4 digits, or more
// than 50 characters.
absl::StatusOr<SearchPlan> PlanSearch(absl::string_view q);

struct SearchCandidate {
  std::string customer_id;
  double score = 0;
  std::string matched;  // PHONE, PHONE_SUFFIX, NAME, PINYIN, ADDRESS
};

// Scores of the lookups, so results of different kinds rank sensibly together.
inline constexpr double kScorePhone = 100;
inline constexpr double kScorePhoneSuffix = 90;
inline constexpr double kScoreNameExact = 80;
inline constexpr double kScorePinyinExact = 70;
inline constexpr double kScoreNamePrefix = 60;
inline constexpr double kScorePinyinPrefix = 50;
inline constexpr double kScoreAddress = 30;  // plus up to 10 by trigram similarity

// One list, best score per customer, highest first (ties: customer id, for stable pages).
std::vector<SearchCandidate> MergeCandidates(std::vector<std::vector<SearchCandidate>> lists);

// Escapes % _ and \ for a LIKE pattern.
std::string EscapeLike(absl::string_view text);

}  // namespace qq::customer
