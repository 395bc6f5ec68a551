#include "gateway/openapi.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <iterator>
#include <set>

#include "absl/strings/match.h"
#include "gateway/linked_services.h"

namespace qq::gateway {
namespace {

namespace json = boost::json;

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<RouteTable> table = RouteTable::Build(
        LinkedServices(ApiPackages()), {std::begin(kPublicMethods), std::end(kPublicMethods)});
    ASSERT_TRUE(table.ok()) << table.status();
    routes_ = *std::move(table);
    boost::system::error_code ec;
    doc_ = json::parse(OpenApiDocument(routes_), ec);
    ASSERT_FALSE(ec) << ec.message();
  }

  const json::value& At(std::initializer_list<const char*> path) {
    const json::value* v = &doc_;
    for (const char* key : path) {
      const json::value* next = v->is_object() ? v->as_object().if_contains(key) : nullptr;
      if (next == nullptr) {
        ADD_FAILURE() << "missing " << key;
        static const json::value kNull;
        return kNull;
      }
      v = next;
    }
    return *v;
  }

  RouteTable routes_;
  json::value doc_;
};

TEST_F(OpenApiTest, DescribesEveryRouteUnderItsPathAndMethod) {
  EXPECT_EQ(At({"openapi"}).as_string(), "3.0.3");
  for (const Route& route : routes_.routes()) {
    // OpenAPI names path variables by their JSON field paths: {customer_id} -> {customerId}.
    std::string path;
    bool in_variable = false, upper_next = false;
    for (char c : route.path.text()) {
      if (c == '{' || c == '}') in_variable = c == '{';
      if (in_variable && c == '_') {
        upper_next = true;
        continue;
      }
      path.push_back(upper_next ? static_cast<char>(std::toupper(c)) : c);
      upper_next = false;
    }
    std::string method(route.http_method);
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(At({"paths", path.c_str()}).is_object() &&
                At({"paths", path.c_str()}).as_object().contains(method))
        << route.label;
  }
}

TEST_F(OpenApiTest, DocumentsPathParametersUnderTheirJsonNames) {
  const json::value& op = At({"paths", "/v1/work-orders/{id}:accept", "post"});
  EXPECT_EQ(op.at("operationId").as_string(), "WorkOrderService_AcceptWorkOrder");
  const json::array& params = op.at("parameters").as_array();
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].at("name").as_string(), "id");
  EXPECT_EQ(params[0].at("in").as_string(), "path");
  EXPECT_TRUE(params[0].at("required").as_bool());

  const json::value& assignment = At({"paths", "/v1/assignments/{workOrderId}", "get"});
  EXPECT_EQ(assignment.at("parameters").as_array()[0].at("name").as_string(), "workOrderId");
}

TEST_F(OpenApiTest, DocumentsQueryParametersWithTypes) {
  const json::array& params = At({"paths", "/v1/work-orders", "get", "parameters"}).as_array();
  std::map<std::string, json::value> by_name;
  for (const json::value& p : params) {
    EXPECT_EQ(p.at("in").as_string(), "query");
    by_name[std::string(p.at("name").as_string())] = p.at("schema");
  }
  ASSERT_EQ(by_name.size(), 9u);
  EXPECT_EQ(by_name["pageSize"].at("type").as_string(), "integer");
  EXPECT_EQ(by_name["number"].at("type").as_string(), "string");
  EXPECT_EQ(by_name["phone"].at("type").as_string(), "string");
  EXPECT_EQ(by_name["customerId"].at("type").as_string(), "string");
  EXPECT_EQ(by_name["state"].at("type").as_string(), "string");
  EXPECT_EQ(by_name["type"].at("$ref").as_string(),
            "#/components/schemas/qingquan.order.v1.WorkOrder.Type");
  EXPECT_EQ(by_name["channel"].at("$ref").as_string(),
            "#/components/schemas/qingquan.order.v1.Channel");
  // A repeated query parameter (?customField=a=1&customField=b=2) is an array.
  EXPECT_EQ(by_name["customField"].at("type").as_string(), "array");
  // Routes with a body take no query parameters for the fields the body carries.
  EXPECT_FALSE(At({"paths", "/v1/customers", "post"}).as_object().contains("parameters"));
}

TEST_F(OpenApiTest, DescribesBodiesAndResponsesAsComponentSchemas) {
  const json::value& create = At({"paths", "/v1/work-orders", "post"});
  EXPECT_EQ(create.at("requestBody")
                .at("content")
                .at("application/json")
                .at("schema")
                .at("$ref")
                .as_string(),
            "#/components/schemas/qingquan.order.v1.WorkOrder");
  EXPECT_EQ(create.at("responses")
                .at("200")
                .at("content")
                .at("application/json")
                .at("schema")
                .at("$ref")
                .as_string(),
            "#/components/schemas/qingquan.order.v1.WorkOrder");
  EXPECT_EQ(create.at("responses")
                .at("default")
                .at("content")
                .at("application/json")
                .at("schema")
                .at("$ref")
                .as_string(),
            "#/components/schemas/qingquan.Error");

  const json::object& order =
      At({"components", "schemas", "qingquan.order.v1.WorkOrder", "properties"}).as_object();
  EXPECT_EQ(order.at("customerId").at("type").as_string(), "string");
  EXPECT_EQ(order.at("createTime").at("format").as_string(), "date-time");
  EXPECT_EQ(order.at("timeline").at("type").as_string(), "array");
  EXPECT_EQ(order.at("location").at("$ref").as_string(),
            "#/components/schemas/qingquan.common.v1.LatLng");
  const json::value& type = At({"components", "schemas", "qingquan.order.v1.WorkOrder.Type"});
  EXPECT_EQ(type.at("type").as_string(), "string");
  EXPECT_EQ(type.at("enum").as_array()[2].as_string(), "REPAIR");
}

TEST_F(OpenApiTest, RequiresBearerTokensExceptForLogin) {
  EXPECT_TRUE(At({"security"}).as_array()[0].as_object().contains("bearerAuth"));
  EXPECT_EQ(At({"components", "securitySchemes", "bearerAuth", "scheme"}).as_string(), "bearer");
  EXPECT_TRUE(At({"paths", "/v1/auth/login", "post", "security"}).as_array().empty());
  EXPECT_FALSE(At({"paths", "/v1/customers/{id}", "get"}).as_object().contains("security"));
}

TEST_F(OpenApiTest, DescribesUploadsAsBinaryRequestBodiesWithQueryParameters) {
  const json::value& op = At({"paths", "/v1/customers:import", "post"});
  const json::object& body = op.at("requestBody").as_object();
  EXPECT_TRUE(body.at("required").as_bool());
  ASSERT_EQ(body.at("content").as_object().size(), 1u);
  const json::value& schema = body.at("content").at("application/octet-stream").at("schema");
  EXPECT_EQ(schema.at("type").as_string(), "string");
  EXPECT_EQ(schema.at("format").as_string(), "binary");
  EXPECT_NE(body.at("description").as_string().find("binary"), json::string::npos);
  std::set<std::string> names;
  for (const json::value& p : op.at("parameters").as_array()) {
    EXPECT_EQ(p.at("in").as_string(), "query");
    names.insert(std::string(p.at("name").as_string()));
  }
  EXPECT_TRUE(names.count("onDuplicate") && names.count("fileName"));
  for (const std::string& name : names) {
    EXPECT_FALSE(absl::StartsWith(name, "file.")) << name;  // the body's fields are not query
  }
  EXPECT_EQ(op.at("responses")
                .at("200")
                .at("content")
                .at("application/json")
                .at("schema")
                .at("$ref")
                .as_string(),
            "#/components/schemas/qingquan.customer.v1.ImportCustomersResponse");
}

TEST_F(OpenApiTest, DescribesDownloadsAsBinaryResponses) {
  const json::value& ok = At({"paths", "/v1/customers:export", "get", "responses", "200"});
  ASSERT_EQ(ok.at("content").as_object().size(), 1u);
  const json::value& schema = ok.at("content").at("application/octet-stream").at("schema");
  EXPECT_EQ(schema.at("format").as_string(), "binary");
  EXPECT_TRUE(ok.at("headers").as_object().contains("Content-Disposition"));
  // Errors are still JSON.
  EXPECT_TRUE(At({"paths", "/v1/customers:export", "get", "responses", "default", "content"})
                  .as_object()
                  .contains("application/json"));
  EXPECT_FALSE(At({"components", "schemas"}).as_object().contains("qingquan.common.v1.HttpBody"));
}

// The .proto comments describe the fields, text limits in characters included, so a
// client reads them where it reads the types.
TEST_F(OpenApiTest, DescribesFieldsWithTheirProtoComments) {
  const json::value& work_order = At({"components", "schemas", "qingquan.order.v1.WorkOrder"});
  const json::value& description = work_order.at("properties").at("description");
  EXPECT_EQ(description.at("type").as_string(), "string");
  EXPECT_TRUE(absl::StrContains(std::string(description.at("description").as_string()),
                                "At most 4000 characters"))
      << json::serialize(description);
  const json::value& notes =
      At({"components", "schemas", "qingquan.order.v1.DeliveryOrder", "properties", "notes"});
  EXPECT_TRUE(absl::StrContains(std::string(notes.at("description").as_string()),
                                "At most 1000 characters"));
  // Message comments describe the schema; $ref properties stay bare (OpenAPI 3.0).
  EXPECT_FALSE(At({"components", "schemas", "qingquan.order.v1.Workflow", "description"})
                   .as_string()
                   .empty());
  const json::value& window =
      At({"components", "schemas", "qingquan.order.v1.DeliveryOrder", "properties", "window"});
  EXPECT_FALSE(window.as_object().contains("description"));
}

}  // namespace
}  // namespace qq::gateway
