// Cell values as Excel displays them; see cell_text.h.
#include "services/customer/spreadsheet/cell_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "services/customer/spreadsheet/utf8.h"

namespace qq::spreadsheet {
namespace {

bool IsHexDigit(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }

// The code unit of an escape "_xHHHH_" at text[i], or -1.
int EscapeAt(const std::string& text, size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_') {
    return -1;
  }
  int value = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    if (!IsHexDigit(text[k])) return -1;
    char c = absl::ascii_tolower(static_cast<unsigned char>(text[k]));
    value = value * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return value;
}

}  // namespace

DateStyle DateStyleOfBuiltinFormat(int format_id) {
  if ((format_id >= 14 && format_id <= 17) || (format_id >= 27 && format_id <= 31) ||
      format_id == 36 || (format_id >= 50 && format_id <= 54) || format_id == 57 ||
      format_id == 58) {
    return DateStyle::kDate;
  }
  if ((format_id >= 18 && format_id <= 21) || (format_id >= 32 && format_id <= 35) ||
      (format_id >= 45 && format_id <= 47) || format_id == 55 || format_id == 56) {
    return DateStyle::kTime;
  }
  if (format_id == 22) return DateStyle::kDateTime;
  return DateStyle::kNone;
}

DateStyle DateStyleOfFormatCode(absl::string_view code) {
  bool date = false;
  bool time = false;
  bool month_or_minute = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == ';') break;  // the first section decides
    if (c == '"') {
      size_t end = code.find('"', i + 1);
      if (end == absl::string_view::npos) break;
      i = end;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or padding)
      continue;
    }
    if (c == '[') {
      size_t end = code.find(']', i + 1);
      if (end == absl::string_view::npos) break;
      absl::string_view inside = code.substr(i + 1, end - i - 1);
      // [h], [mm], [ss] are elapsed time; [Red], [$-804], [DBNum1], [<100] are not.
      if (!inside.empty() && inside.find_first_not_of("hHmMsS") == absl::string_view::npos) {
        time = true;
      }
      i = end;
      continue;
    }
    absl::string_view rest = code.substr(i);
    if (absl::StartsWithIgnoreCase(rest, "general")) {
      i += 6;
      continue;
    }
    if (absl::StartsWithIgnoreCase(rest, "am/pm")) {
      time = true;
      i += 4;
      continue;
    }
    if (absl::StartsWithIgnoreCase(rest, "a/p")) {
      time = true;
      i += 2;
      continue;
    }
    switch (absl::ascii_tolower(static_cast<unsigned char>(c))) {
      case 'y':
      case 'd':
        date = true;
        break;
      case 'h':
      case 's':
        time = true;
        break;
      case 'm':
        month_or_minute = true;
        break;
      default:
        break;
    }
  }
  // "m" is a month unless the format also has hours or seconds ("h:mm", "mm:ss").
  if (month_or_minute && !time) date = true;
  if (date && time) return DateStyle::kDateTime;
  if (date) return DateStyle::kDate;
  if (time) return DateStyle::kTime;
  return DateStyle::kNone;
}

std::optional<std::string> NumberText(absl::string_view raw) {
  raw = absl::StripAsciiWhitespace(raw);
  if (raw.empty()) return std::nullopt;
  // Plain integers keep every digit they were stored with.
  absl::string_view digits = raw;
  bool negative = false;
  if (digits[0] == '-' || digits[0] == '+') {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (!digits.empty() && digits.find_first_not_of("0123456789") == absl::string_view::npos) {
    size_t first = digits.find_first_not_of('0');
    if (first == absl::string_view::npos) return std::string("0");
    std::string text = negative ? "-" : "";
    text.append(digits.data() + first, digits.size() - first);
    return text;
  }
  double value = 0;
  const char* begin = raw.data();
  const char* end = raw.data() + raw.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  // Excel keeps 15 significant digits: 0.30000000000000004 is shown as 0.3.
  char rounded[32];
  std::snprintf(rounded, sizeof(rounded), "%.15g", value);
  value = std::strtod(rounded, nullptr);
  if (value == 0) return std::string("0");
  char out[400];
  auto result = std::to_chars(out, out + sizeof(out), value, std::chars_format::fixed);
  if (result.ec != std::errc()) return std::string(rounded);
  return std::string(out, result.ptr);
}

std::optional<std::string> SerialDateText(double serial, DateStyle style, bool date1904) {
  // 2958466 is 10000-01-01, past Excel's last date.
  if (style == DateStyle::kNone || !(serial >= 0) || serial >= 2958466) return std::nullopt;
  int64_t total_seconds = std::llround(serial * 86400.0);
  int64_t days = total_seconds / 86400;
  int64_t seconds = total_seconds % 86400;
  if (style == DateStyle::kTime) {
    // Elapsed-time formats ([h]:mm) show hours past 24.
    return absl::StrFormat("%02d:%02d:%02d", total_seconds / 3600, (total_seconds / 60) % 60,
                           total_seconds % 60);
  }
  absl::CivilDay day;
  if (date1904) {
    day = absl::CivilDay(1904, 1, 1) + days;
  } else if (days >= 61) {
    // Excel counts a 29 February 1900 that never was.
    day = absl::CivilDay(1899, 12, 30) + days;
  } else {
    day = absl::CivilDay(1899, 12, 31) + days;
  }
  std::string text = absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
  if (style == DateStyle::kDateTime && seconds != 0) {
    absl::StrAppendFormat(&text, " %02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60,
                          seconds % 60);
  }
  return text;
}

void DecodeXmlStringEscapes(std::string* text) {
  if (text->find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(text->size());
  for (size_t i = 0; i < text->size();) {
    int unit = EscapeAt(*text, i);
    if (unit < 0) {
      out.push_back((*text)[i++]);
      continue;
    }
    i += 7;
    uint32_t cp = static_cast<uint32_t>(unit);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      int low = EscapeAt(*text, i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
        i += 7;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    AppendUtf8(cp, &out);
  }
  *text = std::move(out);
}

}  // namespace qq::spreadsheet
