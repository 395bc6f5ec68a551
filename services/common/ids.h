// Resource ids are UUIDs in canonical text form; anything else names nothing.
#pragma once

#include "absl/strings/string_view.h"

namespace qq {

// True for "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, any case). Handlers answer
// NOT_FOUND for ids that fail this instead of sending them to the database.
bool LooksLikeUuid(absl::string_view id);

}  // namespace qq
