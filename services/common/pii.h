// Personal data shown outside its owner's screen: masked phone numbers.
#pragma once

#include <string>

namespace qq {

// "139****5678" for a normalised mobile number; a landline "021-62345678" keeps the
// area code and the last two digits. Anything else is masked completely.
std::string MaskPhone(const std::string& normalised);

}  // namespace qq
