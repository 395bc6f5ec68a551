#include "services/common/grpc_status.h"

#include "qingquan/common/v1/common.pb.h"
#include "services/common/status.h"

namespace qq {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string field = FieldOf(status);
  int http_status = HttpStatusFor(status);
  std::string error_code = ErrorCodeOf(status);
  std::map<std::string, std::string> params = ErrorParamsOf(status);
  std::string details;
  if (!field.empty() || !error_code.empty() || !params.empty() ||
      http_status != HttpStatusFor(status.code())) {
    qingquan::common::v1::ErrorDetail detail;
    detail.set_field(field);
    detail.set_reason(std::string(status.message()));
    detail.set_error_code(error_code);
    detail.mutable_params()->insert(params.begin(), params.end());
    if (http_status != HttpStatusFor(status.code())) detail.set_http_status(http_status);
    details = detail.SerializeAsString();
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      std::move(details));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (!status.error_details().empty()) {
    qingquan::common::v1::ErrorDetail detail;
    if (detail.ParseFromString(status.error_details())) {
      out = WithField(out, detail.field());
      out = WithErrorCode(out, detail.error_code());
      out = WithErrorParams(out, {detail.params().begin(), detail.params().end()});
      if (detail.http_status() != 0) out = WithHttpStatus(out, detail.http_status());
    }
  }
  return out;
}

}  // namespace qq
