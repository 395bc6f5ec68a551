#include "services/customer/domain/search_query.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "services/common/status.h"
#include "services/customer/domain/phone_number.h"
#include "services/customer/domain/pinyin/pinyin_search_keys.h"

namespace qq::customer {
namespace {

size_t Utf8Length(absl::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

}  // namespace

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
  absl::string_view q = absl::StripAsciiWhitespace(raw);
  if (q.empty()) return InvalidField("q", "is required");
  if (Utf8Length(q) > 50) return InvalidField("q", "is longer than 50 characters");

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
  return SearchPlan{SearchPlan::kText, std::string(q)};
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
