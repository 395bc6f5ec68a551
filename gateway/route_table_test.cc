#include "gateway/route_table.h"

#include <gtest/gtest.h>

#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gateway/linked_services.h"
#include "gateway/test_descriptor_pool.h"
#include "google/api/annotations.pb.h"

namespace qq::gateway {
namespace {

RouteTable QingquanRoutes() {
  absl::StatusOr<RouteTable> table = RouteTable::Build(
      LinkedServices(ApiPackages()), {std::begin(kPublicMethods), std::end(kPublicMethods)});
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? *std::move(table) : RouteTable();
}

const Route* RouteOf(const RouteTable& table, absl::string_view full_method) {
  for (const Route& route : table.routes()) {
    if (route.method->full_name() == full_method) return &route;
  }
  return nullptr;
}

std::string Describe(const RouteLookup& lookup) {
  if (lookup.route == nullptr) return "none";
  std::string out = lookup.route->method->full_name();
  for (const PathBinding& b : lookup.bindings) {
    absl::StrAppend(&out, " ", b.field_path.back(), "=", b.value);
  }
  return out;
}

// A service in a test pool; `rpcs` are method entries (text-format MethodDescriptorProto
// bodies) of service "t.Things" over messages t.Thing and t.Req(id, name, parent.id, tags).
class TestService {
 public:
  explicit TestService(absl::string_view rpcs) {
    std::string file = absl::StrCat(
        R"pb(
          name: "t.proto"
          package: "t"
          syntax: "proto3"
          dependency: "qingquan/common/v1/common.proto"
          message_type {
            name: "Parent"
            field { name: "id" number: 1 type: TYPE_STRING }
          }
          message_type {
            name: "Upload"
            field { name: "name" number: 1 type: TYPE_STRING }
            field {
              name: "file"
              number: 2
              type: TYPE_MESSAGE
              type_name: ".qingquan.common.v1.HttpBody"
            }
            field {
              name: "files"
              number: 3
              label: LABEL_REPEATED
              type: TYPE_MESSAGE
              type_name: ".qingquan.common.v1.HttpBody"
            }
          }
          message_type {
            name: "Req"
            field { name: "id" number: 1 type: TYPE_STRING }
            field { name: "name" number: 2 type: TYPE_STRING }
            field { name: "parent" number: 3 type: TYPE_MESSAGE type_name: ".t.Parent" }
            field { name: "tags" number: 4 label: LABEL_REPEATED type: TYPE_STRING }
          }
          message_type { name: "Thing" }
          service { name: "Things")pb",
        rpcs, "}");
    pool_.Add(file);
  }

  absl::StatusOr<RouteTable> Build(std::vector<absl::string_view> public_methods = {}) {
    const google::protobuf::ServiceDescriptor* service = pool_.Service("t.Things");
    if (service == nullptr) return absl::InternalError("no service");
    return RouteTable::Build({service}, public_methods);
  }

 private:
  TestDescriptorPool pool_;
};

// One rpc entry: `name` with google.api.http `rule` (text format of HttpRule).
std::string Rpc(absl::string_view name, absl::string_view rule) {
  return absl::StrCat("method { name: '", name,
                      "' input_type: '.t.Req' output_type: '.t.Thing' options { "
                      "[google.api.http] { ",
                      rule, " } } } ");
}

// A streaming rpc entry: `shape` sets the stream flags and types, e.g.
// "input_type: '.t.Upload' output_type: '.t.Thing' client_streaming: true".
std::string StreamingRpc(absl::string_view name, absl::string_view shape, absl::string_view rule) {
  return absl::StrCat("method { name: '", name, "' ", shape, " options { [google.api.http] { ",
                      rule, " } } } ");
}

TEST(RouteTable, BuildsRoutesFromTheQingquanAnnotations) {
  RouteTable table = QingquanRoutes();
  const Route* accept = RouteOf(table, "qingquan.order.v1.WorkOrderService.AcceptWorkOrder");
  ASSERT_NE(accept, nullptr);
  EXPECT_EQ(accept->http_method, "POST");
  EXPECT_EQ(accept->path.text(), "/v1/work-orders/{id}:accept");
  EXPECT_EQ(accept->body_field, "*");
  EXPECT_EQ(accept->grpc_method, "/qingquan.order.v1.WorkOrderService/AcceptWorkOrder");
  EXPECT_EQ(accept->package, "qingquan.order.v1");
  EXPECT_EQ(accept->label, "POST /v1/work-orders/{id}:accept");
  EXPECT_FALSE(accept->is_public);

  const Route* create = RouteOf(table, "qingquan.customer.v1.CustomerService.CreateCustomer");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->body_field, "customer");

  const Route* login = RouteOf(table, "qingquan.customer.v1.AuthService.Login");
  ASSERT_NE(login, nullptr);
  EXPECT_TRUE(login->is_public);
  for (const Route& route : table.routes()) {
    EXPECT_EQ(route.is_public, &route == login) << route.label;
  }
  for (const char* method : {"qingquan.notification.v1.NotificationService.ListMessages",
                             "qingquan.analytics.v1.AnalyticsService.GetKpis",
                             "qingquan.dispatch.v1.DispatchService.ResolveArea"}) {
    EXPECT_NE(RouteOf(table, method), nullptr) << method;
  }
}

TEST(RouteTable, ServesTheQingquanFileRoutesAsUploadAndDownload) {
  RouteTable table = QingquanRoutes();
  const Route* import = RouteOf(table, "qingquan.customer.v1.CustomerService.ImportCustomers");
  ASSERT_NE(import, nullptr);
  EXPECT_EQ(import->kind, RouteKind::kUpload);
  EXPECT_EQ(import->label, "POST /v1/customers:import");
  EXPECT_EQ(import->body_field, "file");
  const Route* export_ = RouteOf(table, "qingquan.customer.v1.CustomerService.ExportCustomers");
  ASSERT_NE(export_, nullptr);
  EXPECT_EQ(export_->kind, RouteKind::kDownload);
  EXPECT_EQ(Describe(table.Find("GET", "/v1/customers:export")),
            "qingquan.customer.v1.CustomerService.ExportCustomers");
  EXPECT_EQ(RouteOf(table, "qingquan.customer.v1.CustomerService.GetCustomer")->kind,
            RouteKind::kUnary);
  const Route* watch = RouteOf(table, "qingquan.dispatch.v1.RouteService.WatchTracking");
  ASSERT_NE(watch, nullptr);
  EXPECT_EQ(watch->kind, RouteKind::kEventStream);
  EXPECT_EQ(watch->label, "GET /v1/delivery-orders/{order_id}/tracking:watch");
}

TEST(RouteTable, AcceptsStreamingMethodsOfTheThreeShapes) {
  TestService service(
      StreamingRpc("Import",
                   "input_type: '.t.Upload' output_type: '.t.Thing' client_streaming: true",
                   "post: '/v1/things:import' body: 'file'") +
      StreamingRpc("Export",
                   "input_type: '.t.Req' output_type: '.qingquan.common.v1.HttpBody' "
                   "server_streaming: true",
                   "get: '/v1/things/{id}:export'") +
      StreamingRpc("Watch", "input_type: '.t.Req' output_type: '.t.Thing' server_streaming: true",
                   "get: '/v1/things/{id}:watch'"));
  absl::StatusOr<RouteTable> table = service.Build();
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->Find("POST", "/v1/things:import").route->kind, RouteKind::kUpload);
  EXPECT_EQ(table->Find("GET", "/v1/things/a:export").route->kind, RouteKind::kDownload);
  EXPECT_EQ(table->Find("GET", "/v1/things/a:watch").route->kind, RouteKind::kEventStream);
}

TEST(RouteTable, RejectsStreamingMethodsOfOtherShapes) {
  struct Case {
    std::string rpcs;
    const char* error;
  };
  for (const Case& c : std::vector<Case>{
           {StreamingRpc("Up",
                         "input_type: '.t.Upload' output_type: '.t.Thing' client_streaming: true",
                         "post: '/v1/x' body: 'name'"),
            "served only as an upload"},
           {StreamingRpc("Up",
                         "input_type: '.t.Upload' output_type: '.t.Thing' client_streaming: true",
                         "post: '/v1/x' body: '*'"),
            "served only as an upload"},
           {StreamingRpc("Up",
                         "input_type: '.t.Upload' output_type: '.t.Thing' client_streaming: true",
                         "post: '/v1/x' body: 'files'"),
            "served only as an upload"},
           {StreamingRpc("Down",
                         "input_type: '.t.Req' output_type: '.t.Req' server_streaming: true",
                         "get: '/v1/x' response_body: 'name'"),
            "no response_body"},
           {StreamingRpc("Both",
                         "input_type: '.t.Upload' output_type: '.qingquan.common.v1.HttpBody' "
                         "client_streaming: true server_streaming: true",
                         "post: '/v1/x' body: 'file'"),
            "bidirectional streaming methods have no REST form"},
       }) {
    TestService service(c.rpcs);
    absl::StatusOr<RouteTable> table = service.Build();
    ASSERT_FALSE(table.ok()) << c.rpcs;
    EXPECT_NE(table.status().message().find(c.error), absl::string_view::npos)
        << table.status().message();
  }
}

TEST(RouteTable, LinkedServicesKeepsOnlyTheGivenPackages) {
  std::vector<const google::protobuf::ServiceDescriptor*> services =
      LinkedServices({"qingquan.order.v1"});
  std::vector<std::string> names;
  for (const auto* s : services) names.push_back(s->full_name());
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "qingquan.order.v1.WorkOrderService", "qingquan.order.v1.DeliveryOrderService",
                "qingquan.order.v1.WorkflowService", "qingquan.order.v1.AttachmentService",
                "qingquan.order.v1.SlaService", "qingquan.order.v1.TodoService",
                "qingquan.order.v1.FeedbackService", "qingquan.order.v1.StandingOrderService"}));
}

TEST(RouteTable, FindsRouteWithVerbAndBindsThePathVariable) {
  RouteTable table = QingquanRoutes();
  EXPECT_EQ(Describe(table.Find("POST", "/v1/work-orders/wo%2D1:accept")),
            "qingquan.order.v1.WorkOrderService.AcceptWorkOrder id=wo-1");
  EXPECT_EQ(Describe(table.Find("POST", "/v1/work-orders/wo-1:resolve")),
            "qingquan.order.v1.WorkOrderService.ResolveWorkOrder id=wo-1");
  EXPECT_EQ(Describe(table.Find("GET", "/v1/work-orders/wo-1")),
            "qingquan.order.v1.WorkOrderService.GetWorkOrder id=wo-1");
  EXPECT_EQ(Describe(table.Find("GET", "/v1/areas:resolve")),
            "qingquan.dispatch.v1.DispatchService.ResolveArea");
  EXPECT_EQ(Describe(table.Find("GET", "/v1/assignments/wo-9")),
            "qingquan.dispatch.v1.DispatchService.GetAssignment work_order_id=wo-9");
}

TEST(RouteTable, ReportsMethodsAllowedOnAPathServedUnderOthers) {
  RouteTable table = QingquanRoutes();
  RouteLookup lookup = table.Find("DELETE", "/v1/customers");
  EXPECT_EQ(lookup.route, nullptr);
  EXPECT_EQ(lookup.allowed_methods, (std::vector<std::string>{"GET", "POST"}));

  lookup = table.Find("DELETE", "/v1/areas:resolve");
  EXPECT_EQ(lookup.route, nullptr);
  EXPECT_EQ(lookup.allowed_methods, std::vector<std::string>{"GET"});

  // "{id}" takes a whole segment, colons included, so GET (and PATCH) here is the order's.
  lookup = table.Find("PUT", "/v1/work-orders/wo-1:accept");
  EXPECT_EQ(lookup.allowed_methods, (std::vector<std::string>{"GET", "PATCH", "POST"}));
  EXPECT_EQ(Describe(table.Find("GET", "/v1/work-orders/wo-1:accept")),
            "qingquan.order.v1.WorkOrderService.GetWorkOrder id=wo-1:accept");
}

TEST(RouteTable, FindsNothingForUnknownPaths) {
  RouteTable table = QingquanRoutes();
  for (const char* path : {"/", "/v1", "/v1/nothing", "/v1/customers/a/b", "/v1/customers/"}) {
    RouteLookup lookup = table.Find("GET", path);
    EXPECT_EQ(lookup.route, nullptr) << path;
    EXPECT_TRUE(lookup.allowed_methods.empty()) << path;
  }
}

TEST(RouteTable, PrefersLiteralSegmentsOverVariables) {
  // The variable route is declared first, so only specificity can pick the literal one.
  TestService service(
      Rpc("Get", "get: '/v1/things/{id}'") + Rpc("Special", "get: '/v1/things/special'") +
      Rpc("Resolve", "get: '/v1/things/{id}:resolve'") + Rpc("Search", "get: '/v1/things:search'"));
  absl::StatusOr<RouteTable> table = service.Build();
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(Describe(table->Find("GET", "/v1/things/special")), "t.Things.Special");
  EXPECT_EQ(Describe(table->Find("GET", "/v1/things/other")), "t.Things.Get id=other");
  EXPECT_EQ(Describe(table->Find("GET", "/v1/things/x:resolve")), "t.Things.Resolve id=x");
  EXPECT_EQ(Describe(table->Find("GET", "/v1/things:search")), "t.Things.Search");
}

TEST(RouteTable, ServesAdditionalBindingsAndCustomMethods) {
  TestService service(
      Rpc("Get", "get: '/v1/things/{id}' additional_bindings { get: '/v1/{parent.id}/things' }") +
      Rpc("Head", "custom { kind: 'head' path: '/v1/things/{id}' }"));
  absl::StatusOr<RouteTable> table = service.Build();
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->routes().size(), 3u);
  EXPECT_EQ(Describe(table->Find("GET", "/v1/p1/things")), "t.Things.Get id=p1");
  EXPECT_EQ(table->Find("GET", "/v1/p1/things").bindings[0].field_path,
            (std::vector<std::string>{"parent", "id"}));
  EXPECT_EQ(Describe(table->Find("HEAD", "/v1/things/t1")), "t.Things.Head id=t1");
}

TEST(RouteTable, SkipsMethodsWithoutAnnotation) {
  TestService service("method { name: 'Internal' input_type: '.t.Req' output_type: '.t.Thing' }" +
                      Rpc("Get", "get: '/v1/things/{id}'"));
  absl::StatusOr<RouteTable> table = service.Build();
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->routes().size(), 1u);
}

TEST(RouteTable, RejectsAnnotationsItCannotServe) {
  struct Case {
    std::string rpcs;
    const char* error;
  };
  for (const Case& c : std::vector<Case>{
           {Rpc("Get", "get: '/v1/things/{nope}'"), "path variable 'nope' names no field"},
           {Rpc("Get", "get: '/v1/things/{parent}'"), "must be a scalar or enum"},
           {Rpc("Get", "get: '/v1/things/{id.x}'"), "goes through a non-message field"},
           {Rpc("Get", "get: '/v1/things/{tags}'"), "is a repeated field"},
           {Rpc("Get", "get: '/v1/things/{id'"), "not closed"},
           {Rpc("Put", "put: '/v1/things' body: 'thing'"), "body 'thing' names no field"},
           {Rpc("Get", "get: '/v1/things' response_body: 'x'"), "response_body 'x' names no"},
           {Rpc("Get", "body: '*'"), "has no pattern"},
           {Rpc("Get", "get: '/v1/things/{id}'") + Rpc("Other", "get: '/v1/things/{name}'"),
            "'GET /v1/things/{name}' is already served by t.Things.Get"},
       }) {
    TestService service(c.rpcs);
    absl::StatusOr<RouteTable> table = service.Build();
    ASSERT_FALSE(table.ok()) << c.rpcs;
    EXPECT_NE(table.status().message().find(c.error), absl::string_view::npos)
        << table.status().message();
  }
}

TEST(RouteTable, MarksPublicMethodsAndRejectsUnknownOnes) {
  TestService service(Rpc("Get", "get: '/v1/things/{id}'") + Rpc("List", "get: '/v1/things'"));
  absl::StatusOr<RouteTable> table = service.Build({"t.Things.List"});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_FALSE(table->Find("GET", "/v1/things/a").route->is_public);
  EXPECT_TRUE(table->Find("GET", "/v1/things").route->is_public);

  absl::StatusOr<RouteTable> missing = service.Build({"t.Things.Login"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("t.Things.Login has no route"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace qq::gateway
