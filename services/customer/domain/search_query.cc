#include "services/customer/domain/search_query.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/customer/domain/phone_number.h"
#include "services/customer/domain/pinyin/pinyin_search_keys.h"

namespace qq::customer {

std::vector<SearchTerm> SearchTermsForName(absl::string_view name) {
  std::vector<SearchTerm> terms;
  for (std::string& fragment : NameFragmentKeys(name)) {
    terms.push_back({SearchTerm::kNameFragment, std::move(fragment)});
  }
  for (std::string& key : PinyinSearchKeys(name)) {
    terms.push_back({SearchTerm::kPinyin, std::move(key)});
  }
  return terms;
}

absl::StatusOr<SearchPlan> PlanSearch(absl::string_view raw) {
  const absl::string_view typed = text::TrimSpaces(raw);
  if (typed.empty()) return InvalidField("q", "is required");
  QQ_RETURN_IF_ERROR(CheckTextLength("q", typed, kMaxSearchQueryChars));
  // Phones and pinyin are told apart on the NFKC form, so full-width digits and letters
  // (９１３９, ＺＳ) mean what they say.
  const std::string folded = text::NormalizeNfkc(typed);
  const absl::string_view q = text::TrimSpaces(folded);

  // Digits with the usual phone punctuation: a phone or the end of one.
  std::string digits;
  bool phone_like = true;
  for (char c : q) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '+' && c != '(' && c != ')') {
      phone_like = false;
      break;
    }
  }
  if (phone_like && !digits.empty()) {
    if (auto phone = NormalisePhone("q", std::string(q)); phone.ok()) {
      return SearchPlan{SearchPlan::kPhone, *phone};
    }
    if (digits.size() < 4) {
      return InvalidField("q", "give at least the last 4 digits of a phone number");
    }
    return SearchPlan{SearchPlan::kPhoneSuffix, digits};
  }
  if (std::string pinyin = NormalisePinyinQuery(q); !pinyin.empty()) {
    return SearchPlan{SearchPlan::kPinyin, pinyin};
  }
  // Names and addresses are stored as typed, so fragments are looked up as typed too.
  return SearchPlan{SearchPlan::kText, std::string(typed)};
}

std::vector<SearchCandidate> MergeCandidates(std::vector<std::vector<SearchCandidate>> lists) {
  std::map<std::string, SearchCandidate> best;
  for (auto& list : lists) {
    for (auto& c : list) {
      auto it = best.find(c.customer_id);
      if (it == best.end()) {
        best.emplace(c.customer_id, std::move(c));
      } else if (c.score > it->second.score) {
        it->second = std::move(c);
      }
    }
  }
  std::vector<SearchCandidate> out;
  out.reserve(best.size());
  for (auto& [id, c] : best) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(), [](const SearchCandidate& a, const SearchCandidate& b) {
    return a.score > b.score;
  });
  return out;
}

std::string EscapeLike(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace qq::customer
