// An OpenAPI 3.0 document of the REST API, generated from the same route table the
// gateway serves, so the document cannot drift from the routes.
#pragma once

#include <string>

#include "gateway/route_table.h"

namespace qq::gateway {

// Paths with their operations (path and query parameters, request body, responses),
// request and response messages as component schemas (lowerCamelCase properties, enums
// as string enums, 64-bit integers as strings like protobuf's JSON mapping), the error
// body, and bearer security on every operation except public ones. Upload routes take
// and download routes answer application/octet-stream (binary).
std::string OpenApiDocument(const RouteTable& routes);

}  // namespace qq::gateway
