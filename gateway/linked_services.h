// The gRPC services of the API packages as compiled into this binary: the gateway's
// only tie to the generated code, so the route table sees every annotated method.
#pragma once

#include <string>
#include <vector>

namespace google::protobuf {
class ServiceDescriptor;
}  // namespace google::protobuf

namespace qq::gateway {

// The packages of the public API, one per backend service.
inline const std::vector<std::string>& ApiPackages() {
  static const std::vector<std::string> packages = {
      "qingquan.customer.v1", "qingquan.order.v1", "qingquan.dispatch.v1",
      "qingquan.notification.v1", "qingquan.analytics.v1"};
  return packages;
}

// Every service of `packages` (e.g. "qingquan.order.v1") in
// DescriptorPool::generated_pool(), in file and declaration order.
std::vector<const google::protobuf::ServiceDescriptor*> LinkedServices(
    const std::vector<std::string>& packages);

}  // namespace qq::gateway
