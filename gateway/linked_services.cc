// qq_proto is a static library: a generated file's descriptor reaches generated_pool()
// only when the linker keeps its object file, so each API file is referenced here once.
// A new .proto file adds one line below; a new RPC in an existing file adds nothing.
#include "gateway/linked_services.h"

#include <algorithm>

#include "google/protobuf/descriptor.h"
#include "qingquan/analytics/v1/analytics.pb.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"
#include "qingquan/notification/v1/notification.pb.h"
#include "qingquan/order/v1/order.pb.h"

namespace qq::gateway {

std::vector<const google::protobuf::ServiceDescriptor*> LinkedServices(
    const std::vector<std::string>& packages) {
  const google::protobuf::FileDescriptor* files[] = {
      qingquan::customer::v1::Customer::descriptor()->file(),
      qingquan::order::v1::WorkOrder::descriptor()->file(),
      qingquan::dispatch::v1::Team::descriptor()->file(),
      qingquan::notification::v1::Message::descriptor()->file(),
      qingquan::analytics::v1::Kpis::descriptor()->file(),
  };
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const google::protobuf::FileDescriptor* anchor : files) {
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(anchor->name());
    if (file == nullptr ||
        std::find(packages.begin(), packages.end(), file->package()) == packages.end()) {
      continue;
    }
    for (int i = 0; i < file->service_count(); ++i) services.push_back(file->service(i));
  }
  return services;
}

}  // namespace qq::gateway
