// The API's .proto files as a serialized FileDescriptorSet with their comments (source
// info), built with the protos. The generated code leaves comments out; the gateway reads
// them from here to describe every field in /openapi.json ("At most 60 characters." …).
#pragma once

#include <string_view>

std::string_view QingquanApiDescriptorSet();
