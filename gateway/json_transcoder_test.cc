#include "gateway/json_transcoder.h"

#include <gtest/gtest.h>

#include "gateway/test_descriptor_pool.h"
#include "google/protobuf/util/message_differencer.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

using qingquan::order::v1::WorkOrder;

struct Outcome {
  absl::StatusCode code;
  std::string field;
  std::string message;
};

Outcome Transcode(google::protobuf::Message& request, absl::string_view body_field,
                  absl::string_view body, absl::string_view query = "",
                  std::vector<PathBinding> bindings = {}) {
  HttpRequestParts parts{body_field, std::move(bindings), query, body};
  absl::Status status = JsonTranscoder::ToRequest(parts, request);
  return {status.code(), FieldOf(status), std::string(status.message())};
}

// Expects INVALID_ARGUMENT naming `field` with `reason` somewhere in the message.
void ExpectRejected(const Outcome& outcome, absl::string_view field, absl::string_view reason) {
  EXPECT_EQ(outcome.code, absl::StatusCode::kInvalidArgument) << outcome.message;
  EXPECT_EQ(outcome.field, field) << outcome.message;
  EXPECT_NE(outcome.message.find(std::string(reason)), std::string::npos) << outcome.message;
}

// Body ---------------------------------------------------------------------------------

TEST(JsonTranscoder, BodyStarFillsTheWholeMessageAndPathWins) {
  qingquan::order::v1::AcceptWorkOrderRequest request;
  Outcome outcome = Transcode(request, "*", R"({"id":"from-body","comment":"on my way"})", "",
                              {{{"id"}, "wo-1"}});
  ASSERT_EQ(outcome.code, absl::StatusCode::kOk) << outcome.message;
  EXPECT_EQ(request.id(), "wo-1");
  EXPECT_EQ(request.comment(), "on my way");
}

TEST(JsonTranscoder, BodyFieldFillsThatFieldWithEnumsByName) {
  qingquan::order::v1::CreateWorkOrderRequest request;
  Outcome outcome = Transcode(
      request, "work_order",
      R"({"type":"REPAIR","urgency":"URGENT","customerId":"c1","location":{"lat":30.2,"lng":120}})");
  ASSERT_EQ(outcome.code, absl::StatusCode::kOk) << outcome.message;
  EXPECT_EQ(request.work_order().type(), WorkOrder::REPAIR);
  EXPECT_EQ(request.work_order().urgency(), WorkOrder::URGENT);
  EXPECT_EQ(request.work_order().customer_id(), "c1");
  EXPECT_DOUBLE_EQ(request.work_order().location().lng(), 120);
}

TEST(JsonTranscoder, AcceptsProtoFieldNamesAndNulls) {
  qingquan::order::v1::CreateWorkOrderRequest request;
  Outcome outcome =
      Transcode(request, "work_order", R"({"customer_id":"c1","description":null,"type":1})");
  ASSERT_EQ(outcome.code, absl::StatusCode::kOk) << outcome.message;
  EXPECT_EQ(request.work_order().customer_id(), "c1");
  EXPECT_EQ(request.work_order().type(), WorkOrder::NEW_CONNECTION);
}

TEST(JsonTranscoder, EmptyBodyIsAnEmptyObject) {
  qingquan::customer::v1::CreateCustomerRequest request;
  ASSERT_EQ(Transcode(request, "customer", " \n").code, absl::StatusCode::kOk);
  EXPECT_TRUE(request.has_customer());

  qingquan::order::v1::AcceptWorkOrderRequest accept;
  ASSERT_EQ(Transcode(accept, "*", "", "", {{{"id"}, "wo-1"}}).code, absl::StatusCode::kOk);
  EXPECT_EQ(accept.id(), "wo-1");
}

TEST(JsonTranscoder, IgnoresBodyOnRoutesWithoutOne) {
  qingquan::customer::v1::GetCustomerRequest request;
  ASSERT_EQ(Transcode(request, "", "not json", "", {{{"id"}, "c1"}}).code, absl::StatusCode::kOk);
  EXPECT_EQ(request.id(), "c1");
}

TEST(JsonTranscoder, RejectsMalformedJsonWithoutAField) {
  qingquan::customer::v1::CreateCustomerRequest request;
  for (const char* body : {R"({"name": "x",)", "{} x", "{'name': 1}", "[1,"}) {
    Outcome outcome = Transcode(request, "customer", body);
    EXPECT_EQ(outcome.code, absl::StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(outcome.field, "") << body;
    EXPECT_NE(outcome.message.find("request body is not valid JSON"), std::string::npos)
        << outcome.message;
  }
}

TEST(JsonTranscoder, RejectsNonObjectBodyForBodyStar) {
  qingquan::customer::v1::LoginRequest request;
  Outcome outcome = Transcode(request, "*", R"(["tenant"])");
  EXPECT_EQ(outcome.code, absl::StatusCode::kInvalidArgument);
  EXPECT_NE(outcome.message.find("must be a JSON object"), std::string::npos);
}

TEST(JsonTranscoder, NamesUnknownFields) {
  qingquan::customer::v1::LoginRequest login;
  Outcome top = Transcode(login, "*", R"({"tenant":"t","foo":1})");
  ExpectRejected(top, "foo", "unknown field 'foo'");

  qingquan::order::v1::CreateWorkOrderRequest create;
  ExpectRejected(Transcode(create, "work_order", R"({"location":{"lat":1,"alt":2}})"),
                 "location.alt", "unknown field 'location.alt'");

  qingquan::customer::v1::CreateCustomerRequest customer;
  ExpectRejected(Transcode(customer, "customer", R"({"addresses":[{"text":"a"},{"txt":"b"}]})"),
                 "addresses[1].txt", "unknown field");
}

TEST(JsonTranscoder, NamesFieldsOfTheWrongType) {
  qingquan::order::v1::CreateWorkOrderRequest create;
  ExpectRejected(Transcode(create, "work_order", R"({"description":5})"), "description",
                 "expected a string");
  ExpectRejected(Transcode(create, "work_order", R"({"location":"here"})"), "location",
                 "expected an object");
  ExpectRejected(Transcode(create, "work_order", R"({"location":{"lat":"north"}})"), "location.lat",
                 "expected a number");
  ExpectRejected(Transcode(create, "work_order", R"({"timeline":{}})"), "timeline",
                 "expected a list");

  qingquan::customer::v1::CreateCustomerRequest customer;
  ExpectRejected(Transcode(customer, "customer", R"({"phones":"13900000000"})"), "phones",
                 "expected a list");
  ExpectRejected(Transcode(customer, "customer", R"({"phones":["13900000000", 5]})"), "phones[1]",
                 "expected a string");
  ExpectRejected(Transcode(customer, "customer", R"({"phones":[null]})"), "phones[0]",
                 "null is not allowed");
  ExpectRejected(Transcode(customer, "customer", "[]"), "body", "expected an object");
}

TEST(JsonTranscoder, NamesUnknownEnumValues) {
  qingquan::order::v1::CreateWorkOrderRequest create;
  Outcome outcome = Transcode(create, "work_order", R"({"type":"BROKEN"})");
  ExpectRejected(outcome, "type", "unknown value 'BROKEN'");
  EXPECT_NE(outcome.message.find("REPAIR"), std::string::npos);
  ExpectRejected(Transcode(create, "work_order", R"({"type":true})"), "type", "expected one of");
}

TEST(JsonTranscoder, ChecksIntegerFormAndRange) {
  qingquan::dispatch::v1::CreateAreaRequest request;
  ExpectRejected(Transcode(request, "area", R"({"priority":1.5})"), "priority",
                 "expected an integer");
  ExpectRejected(Transcode(request, "area", R"({"priority":3000000000})"), "priority",
                 "out of range for int32");
  ExpectRejected(Transcode(request, "area", R"({"priority":"seven"})"), "priority",
                 "expected an integer");
  ASSERT_EQ(Transcode(request, "area", R"({"priority":"7"})").code, absl::StatusCode::kOk);
  EXPECT_EQ(request.area().priority(), 7);
  ASSERT_EQ(Transcode(request, "area", R"({"priority":-2.0})").code, absl::StatusCode::kOk);
  EXPECT_EQ(request.area().priority(), -2);
}

// Path and query -----------------------------------------------------------------------

TEST(JsonTranscoder, QueryParametersFillScalarsByEitherName) {
  qingquan::customer::v1::ListCustomersRequest request;
  ASSERT_EQ(Transcode(request, "", "", "pageSize=10&page_token=abc%3D%3D").code,
            absl::StatusCode::kOk);
  EXPECT_EQ(request.page_size(), 10);
  EXPECT_EQ(request.page_token(), "abc==");
}

TEST(JsonTranscoder, QueryParametersTakeEnumsByNameAndDoubles) {
  qingquan::order::v1::ListWorkOrdersRequest list;
  ASSERT_EQ(Transcode(list, "", "", "type=REPAIR&state=ACCEPTED&customerId=c+1").code,
            absl::StatusCode::kOk);
  EXPECT_EQ(list.type(), WorkOrder::REPAIR);
  EXPECT_EQ(list.state(), "ACCEPTED");
  EXPECT_EQ(list.customer_id(), "c 1");
  ExpectRejected(Transcode(list, "", "", "type=DONE"), "type", "unknown value 'DONE'");

  qingquan::dispatch::v1::ResolveAreaRequest resolve;
  ASSERT_EQ(Transcode(resolve, "", "", "lat=30.25&lng=-120.5").code, absl::StatusCode::kOk);
  EXPECT_DOUBLE_EQ(resolve.lat(), 30.25);
  EXPECT_DOUBLE_EQ(resolve.lng(), -120.5);
  ExpectRejected(Transcode(resolve, "", "", "lat=north"), "lat", "expected a number");
}

TEST(JsonTranscoder, NamesBadQueryParameters) {
  qingquan::customer::v1::ListCustomersRequest request;
  ExpectRejected(Transcode(request, "", "", "page_size=abc"), "pageSize", "expected an integer");
  ExpectRejected(Transcode(request, "", "", "pageSize=99999999999"), "pageSize",
                 "out of range for int32");
  ExpectRejected(Transcode(request, "", "", "pageSize=1&pageSize=2"), "pageSize",
                 "given more than once");
  ExpectRejected(Transcode(request, "", "", "pagesize=1"), "pagesize",
                 "unknown query parameter 'pagesize'");
  ExpectRejected(Transcode(request, "", "", "pageToken=%FF"), "pageToken", "not valid UTF-8");
}

TEST(JsonTranscoder, QueryCannotSetFieldsBoundByPathOrBody) {
  qingquan::customer::v1::GetCustomerRequest get;
  ExpectRejected(Transcode(get, "", "", "id=other", {{{"id"}, "c1"}}), "id",
                 "is set by the URL path");

  qingquan::customer::v1::CreateCustomerRequest create;
  ExpectRejected(Transcode(create, "customer", "{}", "customer.name=x"), "customer.name",
                 "is set by the request body");

  qingquan::order::v1::AcceptWorkOrderRequest accept;
  ExpectRejected(Transcode(accept, "*", "{}", "comment=x", {{{"id"}, "wo-1"}}), "comment",
                 "send it in the JSON body");
}

// Shapes the API does not use yet, in a test proto ----------------------------------------

constexpr char kTestProto[] = R"pb(
  name: "gwtest.proto"
  package: "gwtest"
  syntax: "proto3"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/wrappers.proto"
  message_type {
    name: "Inner"
    field { name: "note" number: 1 type: TYPE_STRING }
    field { name: "level" number: 2 type: TYPE_INT32 }
  }
  message_type {
    name: "Everything"
    field { name: "id" number: 1 type: TYPE_STRING }
    field { name: "big" number: 2 type: TYPE_INT64 }
    field { name: "count" number: 3 type: TYPE_UINT32 }
    field { name: "flag" number: 4 type: TYPE_BOOL }
    field { name: "blob" number: 5 type: TYPE_BYTES }
    field { name: "ratio" number: 6 type: TYPE_FLOAT }
    field { name: "tags" number: 7 label: LABEL_REPEATED type: TYPE_STRING }
    field { name: "levels" number: 8 label: LABEL_REPEATED type: TYPE_INT32 }
    field { name: "inner" number: 9 type: TYPE_MESSAGE type_name: ".gwtest.Inner" }
    field {
      name: "labels"
      number: 10
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".gwtest.Everything.LabelsEntry"
    }
    field { name: "when" number: 11 type: TYPE_MESSAGE type_name: ".google.protobuf.Timestamp" }
    field {
      name: "maybe_count"
      number: 12
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Int32Value"
    }
    field { name: "by_email" number: 13 type: TYPE_STRING oneof_index: 0 }
    field { name: "by_phone" number: 14 type: TYPE_STRING oneof_index: 0 }
    field { name: "color" number: 15 type: TYPE_ENUM type_name: ".gwtest.Color" }
    field {
      name: "colors"
      number: 16
      label: LABEL_REPEATED
      type: TYPE_ENUM
      type_name: ".gwtest.Color"
    }
    field {
      name: "inners"
      number: 17
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".gwtest.Inner"
    }
    nested_type {
      name: "LabelsEntry"
      field { name: "key" number: 1 type: TYPE_INT32 }
      field { name: "value" number: 2 type: TYPE_STRING }
      options { map_entry: true }
    }
    oneof_decl { name: "contact" }
  }
  enum_type {
    name: "Color"
    value { name: "COLOR_UNSPECIFIED" number: 0 }
    value { name: "RED" number: 1 }
    value { name: "GREEN" number: 2 }
  }
)pb";

class JsonTranscoderShapes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(pool_.Add(kTestProto), nullptr);
    message_ = pool_.New("gwtest.Everything");
    ASSERT_TRUE(message_ != nullptr);
  }

  Outcome Body(absl::string_view body) {
    message_->Clear();
    return Transcode(*message_, "*", body);
  }

  Outcome Query(absl::string_view query) {
    message_->Clear();
    return Transcode(*message_, "", "", query);
  }

  std::string Json() {
    absl::StatusOr<std::string> json = JsonTranscoder::ToJson(*message_);
    return json.ok() ? *json : json.status().ToString();
  }

  TestDescriptorPool pool_;
  std::unique_ptr<google::protobuf::Message> message_;
};

TEST_F(JsonTranscoderShapes, AcceptsEveryShapeProtobufAccepts) {
  Outcome outcome = Body(R"({
      "big": "9007199254740993", "count": 4294967295, "flag": true, "blob": "aGk=",
      "ratio": "NaN", "tags": ["a", "b"], "levels": [1, "2"], "inner": {"note": "n"},
      "labels": {"1": "one", "-2": "minus two"}, "when": "2024-05-01T08:00:00Z",
      "maybeCount": 3, "byEmail": "a@b.c", "byPhone": null, "colors": ["RED", 2]})");
  ASSERT_EQ(outcome.code, absl::StatusCode::kOk) << outcome.message;
  std::string json = Json();
  EXPECT_NE(json.find(R"("big":"9007199254740993")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("when":"2024-05-01T08:00:00Z")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("colors":["RED","GREEN"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("maybeCount":3)"), std::string::npos) << json;
}

TEST_F(JsonTranscoderShapes, NamesEveryKindOfBadValue) {
  ExpectRejected(Body(R"({"big":"12x"})"), "big", "expected an integer");
  ExpectRejected(Body(R"({"big":"99999999999999999999"})"), "big", "out of range for int64");
  ExpectRejected(Body(R"({"count":-1})"), "count", "out of range for uint32");
  ExpectRejected(Body(R"({"count":4294967296})"), "count", "out of range for uint32");
  ExpectRejected(Body(R"({"flag":"yes"})"), "flag", "expected true or false");
  ExpectRejected(Body(R"({"blob":"***"})"), "blob", "expected base64");
  ExpectRejected(Body(R"({"ratio":1e39})"), "ratio", "out of range for float");
  ExpectRejected(Body(R"({"ratio":"fast"})"), "ratio", "expected a number");
  ExpectRejected(Body(R"({"levels":[1,"x"]})"), "levels[1]", "expected an integer");
  ExpectRejected(Body(R"({"inners":[{"note":"a"},{"level":"high"}]})"), "inners[1].level",
                 "expected an integer");
  ExpectRejected(Body(R"({"labels":{"one":"1"}})"), "labels.one", "map key must be an integer");
  ExpectRejected(Body(R"({"labels":{"1":2}})"), "labels.1", "expected a string");
  ExpectRejected(Body(R"({"labels":[]})"), "labels", "expected an object");
  ExpectRejected(Body(R"({"when":"yesterday"})"), "when", "expected an RFC 3339 time");
  ExpectRejected(Body(R"({"when":1714550400})"), "when", "expected a string");
  ExpectRejected(Body(R"({"maybeCount":"many"})"), "maybeCount", "expected an integer");
  ExpectRejected(Body(R"({"byEmail":"a@b.c","byPhone":"139"})"), "byPhone",
                 "cannot be set together with 'byEmail'");
  ExpectRejected(Body(R"({"id":"a","ID":"b"})"), "ID", "unknown field 'ID'");
  ExpectRejected(Body(R"({"maybe_count":1,"maybeCount":2})"), "maybeCount", "given more than once");
  ExpectRejected(Body(R"({"color":"BLUE"})"), "color",
                 "expected one of COLOR_UNSPECIFIED, RED, GREEN");
}

TEST_F(JsonTranscoderShapes, QueryFillsNestedRepeatedAndWellKnownFields) {
  Outcome outcome = Query(
      "inner.note=hello&inner.level=3&tags=a&tags=b&colors=RED&colors=2&flag=true"
      "&when=2024-05-01T08%3A00%3A00Z&maybe_count=4&big=-9007199254740993&blob=aGk%3D");
  ASSERT_EQ(outcome.code, absl::StatusCode::kOk) << outcome.message;
  std::string json = Json();
  EXPECT_NE(json.find(R"("inner":{"note":"hello","level":3})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("tags":["a","b"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("colors":["RED","GREEN"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("when":"2024-05-01T08:00:00Z")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("maybeCount":4)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("big":"-9007199254740993")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("blob":"aGk=")"), std::string::npos) << json;
}

TEST_F(JsonTranscoderShapes, NamesBadNestedQueryParameters) {
  ExpectRejected(Query("inner.level=high"), "inner.level", "expected an integer");
  ExpectRejected(Query("inner.nope=1"), "inner.nope", "unknown query parameter");
  ExpectRejected(Query("inner=1"), "inner", "cannot be set from a query parameter");
  ExpectRejected(Query("inners.note=1"), "inners.note", "unknown query parameter");
  ExpectRejected(Query("labels=1"), "labels", "cannot be set from a query parameter");
  ExpectRejected(Query("flag=yes"), "flag", "expected true or false");
  ExpectRejected(Query("when=soon"), "when", "cannot be read as a Timestamp");
  ExpectRejected(Query("count=-1"), "count", "out of range for uint32");
}

// Response -----------------------------------------------------------------------------

TEST(JsonTranscoder, ResponseUsesLowerCamelCaseEnumNamesAndPrintsDefaults) {
  WorkOrder order;
  order.set_id("wo-1");
  order.set_customer_id("c1");
  order.set_type(WorkOrder::REPAIR);
  order.set_channel(qingquan::order::v1::PHONE);
  order.add_timeline()->set_to_state("CREATED");
  absl::StatusOr<std::string> json = JsonTranscoder::ToJson(order);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find(R"("customerId":"c1")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("type":"REPAIR")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("channel":"PHONE")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("urgency":"URGENCY_UNSPECIFIED")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("state":"")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("description":"")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("toState":"CREATED")"), std::string::npos) << *json;
  EXPECT_EQ(json->find("customer_id"), std::string::npos) << *json;
}

TEST(JsonTranscoder, ResponseBodyFieldSelectsOneField) {
  qingquan::order::v1::ListWorkOrdersResponse response;
  response.add_work_orders()->set_id("wo-1");
  response.set_next_page_token("next");
  absl::StatusOr<std::string> json = JsonTranscoder::ToJson(response, "work_orders");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->front(), '[') << *json;
  EXPECT_NE(json->find(R"("id":"wo-1")"), std::string::npos) << *json;
  EXPECT_EQ(json->find("next"), std::string::npos) << *json;
}

TEST(JsonTranscoder, RoundTripsAResponseThroughTheRequestPath) {
  WorkOrder order;
  order.set_type(WorkOrder::COMPLAINT);
  order.set_description("水质浑浊");
  order.mutable_location()->set_lat(30.1);
  absl::StatusOr<std::string> json = JsonTranscoder::ToJson(order);
  ASSERT_TRUE(json.ok());
  qingquan::order::v1::CreateWorkOrderRequest request;
  ASSERT_EQ(Transcode(request, "work_order", *json).code, absl::StatusCode::kOk);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(request.work_order(), order));
}

}  // namespace
}  // namespace qq::gateway
