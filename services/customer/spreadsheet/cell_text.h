// How a stored cell value becomes the text the user sees in Excel: number formats that
// mean dates, date serials, plain-number rendering, OOXML _xHHHH_ escapes. Used by the
// readers; apart so it can be tested on its own.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace qq::spreadsheet {

enum class DateStyle { kNone, kDate, kTime, kDateTime };

// Built-in number format ids (ECMA-376 18.8.30, plus the East Asian ids 27-36, 50-58).
DateStyle DateStyleOfBuiltinFormat(int format_id);

// A custom format code such as "yyyy/m/d", "[$-804]aaaa", "h:mm AM/PM" or "0.00".
DateStyle DateStyleOfFormatCode(absl::string_view code);

// The stored number `raw` ("13912345678", "1.3912345678E10", "0.30000000000000004")
// as Excel shows it in General format but never in E notation: "13912345678", "0.3".
// nullopt when `raw` is not a number.
std::optional<std::string> NumberText(absl::string_view raw);

// A date serial as "YYYY-MM-DD", "HH:MM:SS" or "YYYY-MM-DD HH:MM:SS" (the time only
// when it is not midnight). nullopt for serials outside Excel's dates.
std::optional<std::string> SerialDateText(double serial, DateStyle style, bool date1904);

// Replaces OOXML's _xHHHH_ escapes (e.g. _x000D_) with the characters they stand for.
void DecodeXmlStringEscapes(std::string* text);

}  // namespace qq::spreadsheet
