// Test helper: a descriptor pool holding the generated files plus .proto files written
// in tests as text-format FileDescriptorProtos, and dynamic messages of its types. Lets
// tests cover shapes (maps, oneofs, int64, bad annotations) the real API does not use.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/descriptor_database.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"

namespace qq::gateway {

class TestDescriptorPool {
 public:
  TestDescriptorPool()
      : generated_(*google::protobuf::DescriptorPool::generated_pool()),
        merged_(&generated_, &added_),
        pool_(&merged_) {}

  // Adds a file given as a text-format FileDescriptorProto; null (and a test failure)
  // when it does not parse or build.
  const google::protobuf::FileDescriptor* Add(absl::string_view text_proto) {
    google::protobuf::FileDescriptorProto file;
    if (!google::protobuf::TextFormat::ParseFromString(std::string(text_proto), &file)) {
      ADD_FAILURE() << "bad FileDescriptorProto text";
      return nullptr;
    }
    if (!added_.Add(file)) {
      ADD_FAILURE() << "cannot add " << file.name();
      return nullptr;
    }
    const google::protobuf::FileDescriptor* built = pool_.FindFileByName(file.name());
    if (built == nullptr) ADD_FAILURE() << "cannot build " << file.name();
    return built;
  }

  const google::protobuf::Descriptor* Message(const std::string& full_name) {
    return pool_.FindMessageTypeByName(full_name);
  }

  const google::protobuf::ServiceDescriptor* Service(const std::string& full_name) {
    return pool_.FindServiceByName(full_name);
  }

  std::unique_ptr<google::protobuf::Message> New(const std::string& full_name) {
    const google::protobuf::Descriptor* type = Message(full_name);
    if (type == nullptr) return nullptr;
    return std::unique_ptr<google::protobuf::Message>(factory_.GetPrototype(type)->New());
  }

 private:
  google::protobuf::DescriptorPoolDatabase generated_;
  google::protobuf::SimpleDescriptorDatabase added_;
  google::protobuf::MergedDescriptorDatabase merged_;
  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_;
};

}  // namespace qq::gateway
