#include "services/common/grpc_status.h"

#include "qingquan/common/v1/common.pb.h"
#include "services/common/status.h"

namespace qq {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string field = FieldOf(status);
  std::string details;
  if (!field.empty()) {
    qingquan::common::v1::ErrorDetail detail;
    detail.set_field(field);
    detail.set_reason(std::string(status.message()));
    details = detail.SerializeAsString();
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), std::move(details));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (!status.error_details().empty()) {
    qingquan::common::v1::ErrorDetail detail;
    if (detail.ParseFromString(status.error_details())) out = WithField(out, detail.field());
  }
  return out;
}

}  // namespace qq
