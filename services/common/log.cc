#include "services/common/log.h"

#include <memory>

#include "services/common/status.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace qq {
namespace {

thread_local std::string t_request_id;
thread_local std::string t_tenant;

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("qq");
    l->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                   spdlog::pattern_time_type::utc);
    return l;
  }();
  return logger;
}

std::string& ServiceName() {
  static std::string name = "qq";
  return name;
}

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void InitLogging(absl::string_view service, absl::string_view level) {
  ServiceName() = std::string(service);
  auto& logger = Logger();
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
}

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  auto& logger = Logger();
  if (!logger->should_log(ToSpd(level))) return;
  std::string body = "\"service\":" + JsonQuote(ServiceName()) + ",\"msg\":" + JsonQuote(message);
  if (!t_request_id.empty()) body += ",\"request_id\":" + JsonQuote(t_request_id);
  if (!t_tenant.empty()) body += ",\"tenant\":" + JsonQuote(t_tenant);
  for (const LogField& f : fields) {
    body += ",";
    body += JsonQuote(f.key);
    body += ":";
    body += JsonQuote(f.value);
  }
  logger->log(ToSpd(level), "{}", body);
}

ScopedLogContext::ScopedLogContext(std::string request_id, std::string tenant)
    : previous_request_id_(std::move(t_request_id)), previous_tenant_(std::move(t_tenant)) {
  t_request_id = std::move(request_id);
  t_tenant = std::move(tenant);
}

ScopedLogContext::~ScopedLogContext() {
  t_request_id = std::move(previous_request_id_);
  t_tenant = std::move(previous_tenant_);
}

}  // namespace qq
