// The one mapping between absl::Status and grpc::Status. The offending field travels
// as a qingquan.common.v1.ErrorDetail in grpc::Status::error_details.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace qq {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace qq
