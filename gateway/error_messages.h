// Error answers in the user's language. Services speak English to developers; people at
// the hotline read Chinese. The gateway words each error for the request: zh-CN unless
// Accept-Language prefers English. A known error code (TEXT_TOO_LONG …) is worded from its
// parameters, any other error from its status code and field; the service's own words stay
// in "detail" so nothing is lost.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qq::gateway {

enum class Language { kChinese, kEnglish };

// The language an Accept-Language header asks for (its most preferred of zh and en, by
// quality); Chinese when it names neither, or is absent.
Language LanguageOf(absl::string_view accept_language);

// The message people read for `status` in `language` (English: the service's own words).
std::string ErrorMessage(const absl::Status& status, Language language);

// {"error":{"code":…,"message":…,"detail":…,"field":…}}: code as qq::ErrorJson, message in
// `language`, detail the service's English words when the message is not them.
std::string LocalizedErrorJson(const absl::Status& status, Language language);

}  // namespace qq::gateway
