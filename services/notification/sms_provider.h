// Where SMS leave the system. The development provider sends nothing: it records what
// it would send in its own table (dev_sms_sent), inside the caller's transaction, so a
// message and its "sending" commit together. A real gateway (Aliyun, Tencent Cloud)
// implements the same interface later.
#pragma once

#include <pqxx/pqxx>

#include <string>

#include "absl/status/status.h"

namespace qq::notification {

class SmsProvider {
 public:
  virtual ~SmsProvider() = default;
  virtual std::string name() const = 0;
  virtual absl::Status Send(pqxx::work& txn, const std::string& message_id,
                            const std::string& phone, const std::string& body) = 0;
};

class DevSmsProvider final : public SmsProvider {
 public:
  std::string name() const override { return "dev-sms"; }
  absl::Status Send(pqxx::work& txn, const std::string& message_id, const std::string& phone,
                    const std::string& body) override;
};

}  // namespace qq::notification
