// Structured logs: one JSON object per line on stderr, with the request id and tenant
// of the call being served (set by CallGuard through ScopedLogContext).
#pragma once

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

namespace qq {

struct LogField {
  absl::string_view key;
  std::string value;
};

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Call once from main; `level` is debug|info|warn|error.
void InitLogging(absl::string_view service, absl::string_view level);

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields = {});
inline void LogInfo(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarn(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, m, f);
}
inline void LogError(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

// Request id and tenant added to every log line written on this thread while alive.
class ScopedLogContext {
 public:
  ScopedLogContext(std::string request_id, std::string tenant);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;

 private:
  std::string previous_request_id_;
  std::string previous_tenant_;
};

}  // namespace qq
