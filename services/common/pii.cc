#include "services/common/pii.h"

namespace qq {

std::string MaskPhone(const std::string& normalised) {
  if (normalised.size() == 11 && normalised[0] == '1') {
    return normalised.substr(0, 3) + "****" + normalised.substr(7);
  }
  size_t dash = normalised.find('-');
  if (dash != std::string::npos && normalised.size() > dash + 4) {
    return normalised.substr(0, dash + 1) + std::string(normalised.size() - dash - 3, '*') +
           normalised.substr(normalised.size() - 2);
  }
  return std::string(normalised.size(), '*');
}

}  // namespace qq
