// OpenAPI generation: walks the routes and, through their method descriptors, the
// request and response messages. The generated descriptors carry no comments; the
// .proto comments come from the descriptor set embedded by qq_proto_docs and become the
// descriptions of messages and fields (limits such as "At most 60 characters." included).
#include "gateway/openapi.h"

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "protos/api_docs.h"

namespace qq::gateway {
namespace {

namespace json = boost::json;
using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

constexpr char kErrorSchema[] = "qingquan.Error";

// A file: raw bytes, for upload request bodies and download responses.
json::object BinarySchema() { return {{"type", "string"}, {"format", "binary"}}; }

json::object Ref(absl::string_view name) {
  return {{"$ref", absl::StrCat("#/components/schemas/", name)}};
}

// The comments of the API's messages and fields, by full name, from the embedded
// descriptor set (built into a pool of its own, where source locations are kept).
class ProtoComments {
 public:
  ProtoComments() {
    google::protobuf::FileDescriptorSet set;
    const std::string_view bytes = QingquanApiDescriptorSet();
    if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
    for (const auto& file : set.file()) pool_.BuildFile(file);  // imports come first
  }

  std::string Of(const Descriptor& message) const {
    const Descriptor* documented = pool_.FindMessageTypeByName(message.full_name());
    return documented != nullptr ? CommentAt(*documented) : "";
  }
  std::string Of(const FieldDescriptor& field) const {
    const FieldDescriptor* documented = pool_.FindFieldByName(field.full_name());
    return documented != nullptr ? CommentAt(*documented) : "";
  }

 private:
  template <typename D>
  static std::string CommentAt(const D& descriptor) {
    google::protobuf::SourceLocation where;
    if (!descriptor.GetSourceLocation(&where)) return "";
    std::string text = where.leading_comments;
    if (!where.trailing_comments.empty()) {
      absl::StrAppend(&text, text.empty() ? "" : " ", where.trailing_comments);
    }
    // Comment lines joined into one paragraph.
    std::string out;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (line.empty()) continue;
      absl::StrAppend(&out, out.empty() ? "" : " ", line);
    }
    return out;
  }

  google::protobuf::DescriptorPool pool_;
};

const ProtoComments& Comments() {
  static const ProtoComments* comments = new ProtoComments();
  return *comments;
}

class SchemaBuilder {
 public:
  explicit SchemaBuilder(json::object& schemas) : schemas_(schemas) {}

  // A $ref to the message's component schema (defined on first use), or an inline
  // schema for well-known types, whose JSON form is not an object of their fields.
  json::object MessageSchema(const Descriptor& message) {
    if (std::optional<json::object> known = WellKnown(message)) return *known;
    std::string name = message.full_name();
    if (!schemas_.contains(name)) {
      schemas_[name] = json::object{};  // placeholder: recursive messages refer back to it
      json::object properties;
      for (int i = 0; i < message.field_count(); ++i) {
        const FieldDescriptor& field = *message.field(i);
        json::object schema = FieldSchema(field);
        // A $ref takes no siblings in OpenAPI 3.0: the referenced schema describes itself.
        if (std::string doc = Comments().Of(field); !doc.empty() && !schema.contains("$ref")) {
          schema["description"] = doc;
        }
        properties[field.json_name()] = std::move(schema);
      }
      json::object schema{{"type", "object"}, {"properties", std::move(properties)}};
      if (std::string doc = Comments().Of(message); !doc.empty()) schema["description"] = doc;
      schemas_[name] = std::move(schema);
    }
    return Ref(name);
  }

  // The schema of the whole field: an array for repeated fields, an object for maps.
  json::object FieldSchema(const FieldDescriptor& field) {
    if (field.is_map()) {
      return {{"type", "object"},
              {"additionalProperties", SingleSchema(*field.message_type()->map_value())}};
    }
    if (field.is_repeated()) return {{"type", "array"}, {"items", SingleSchema(field)}};
    return SingleSchema(field);
  }

  // The schema of one value of the field's type.
  json::object SingleSchema(const FieldDescriptor& field) {
    switch (field.type()) {
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      // Protobuf's JSON mapping writes 64-bit integers as strings.
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
        return {{"type", "string"}, {"format", "int64"}};
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        return {{"type", "string"}, {"format", "uint64"}};
      case FieldDescriptor::TYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
      case FieldDescriptor::TYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return {{"type", "string"}, {"format", "byte"}};
      case FieldDescriptor::TYPE_ENUM:
        return EnumSchema(*field.enum_type());
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        return MessageSchema(*field.message_type());
    }
    return {};
  }

 private:
  json::object EnumSchema(const EnumDescriptor& type) {
    std::string name = type.full_name();
    if (!schemas_.contains(name)) {
      json::array values;
      for (int i = 0; i < type.value_count(); ++i) values.emplace_back(type.value(i)->name());
      schemas_[name] = json::object{{"type", "string"}, {"enum", std::move(values)}};
    }
    return Ref(name);
  }

  std::optional<json::object> WellKnown(const Descriptor& message) {
    const std::string& name = message.full_name();
    if (name == "google.protobuf.Timestamp") {
      return json::object{{"type", "string"}, {"format", "date-time"}};
    }
    if (name == "google.protobuf.Duration") {
      return json::object{{"type", "string"}, {"example", "1.5s"}};
    }
    if (name == "google.protobuf.FieldMask") return json::object{{"type", "string"}};
    if (name == "google.protobuf.Struct") {
      return json::object{{"type", "object"}, {"additionalProperties", true}};
    }
    if (name == "google.protobuf.Value") return json::object{};
    if (name == "google.protobuf.ListValue") {
      return json::object{{"type", "array"}, {"items", json::object{}}};
    }
    if (name == "google.protobuf.Empty") return json::object{{"type", "object"}};
    if (name == "google.protobuf.Any") {
      return json::object{{"type", "object"},
                          {"properties", {{"@type", {{"type", "string"}}}}},
                          {"additionalProperties", true}};
    }
    if (message.file()->name() == "google/protobuf/wrappers.proto") {
      json::object schema = SingleSchema(*message.FindFieldByNumber(1));
      schema["nullable"] = true;
      return schema;
    }
    return std::nullopt;
  }

  json::object& schemas_;
};

std::string JsonPath(const Descriptor& root, const std::vector<std::string>& proto_path) {
  std::vector<std::string> names;
  const Descriptor* message = &root;
  for (const std::string& name : proto_path) {
    const FieldDescriptor* field = message ? message->FindFieldByName(name) : nullptr;
    if (field == nullptr) return absl::StrJoin(proto_path, ".");
    names.push_back(field->json_name());
    message = field->message_type();
  }
  return absl::StrJoin(names, ".");
}

const FieldDescriptor* FieldAt(const Descriptor& root, const std::vector<std::string>& path) {
  const Descriptor* message = &root;
  const FieldDescriptor* field = nullptr;
  for (const std::string& name : path) {
    field = message ? message->FindFieldByName(name) : nullptr;
    if (field == nullptr) return nullptr;
    message = field->message_type();
  }
  return field;
}

// "/v1/work-orders/{id}:accept" with variables renamed to their JSON field paths.
std::string OpenApiPath(const Route& route) {
  const PathTemplate& path = route.path;
  const Descriptor& input = *route.method->input_type();
  std::string out;
  const auto& segments = path.segments();
  for (size_t i = 0; i < segments.size();) {
    out += '/';
    const PathTemplate::Variable* variable = nullptr;
    for (const PathTemplate::Variable& v : path.variables()) {
      if (v.start == static_cast<int>(i)) variable = &v;
    }
    if (variable != nullptr) {
      absl::StrAppend(&out, "{", JsonPath(input, variable->field_path), "}");
      i = variable->end < 0 ? segments.size() : static_cast<size_t>(variable->end);
      continue;
    }
    switch (segments[i].kind) {
      case PathTemplate::Segment::Kind::kLiteral:
        out += segments[i].literal;
        break;
      case PathTemplate::Segment::Kind::kSingleWildcard:
        out += '*';
        break;
      case PathTemplate::Segment::Kind::kMultiWildcard:
        out += "**";
        break;
    }
    ++i;
  }
  if (!path.verb().empty()) absl::StrAppend(&out, ":", path.verb());
  return out;
}

bool IsBound(absl::string_view proto_path, const std::vector<std::string>& bound) {
  for (const std::string& b : bound) {
    if (proto_path == b || absl::StartsWith(proto_path, absl::StrCat(b, "."))) return true;
  }
  return false;
}

// Query parameters: fields bound by neither path nor body, nested messages flattened
// with dotted names (as the transcoder accepts them).
void AddQueryParameters(const Descriptor& message, const std::string& proto_prefix,
                        const std::string& json_prefix, const std::vector<std::string>& bound,
                        std::set<const Descriptor*>& visiting, SchemaBuilder& schemas,
                        json::array& parameters) {
  if (!visiting.insert(&message).second) return;  // recursive message: stop
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    std::string proto_path =
        proto_prefix.empty() ? field.name() : absl::StrCat(proto_prefix, ".", field.name());
    std::string json_path =
        json_prefix.empty() ? field.json_name() : absl::StrCat(json_prefix, ".", field.json_name());
    if (IsBound(proto_path, bound)) continue;
    if (field.is_map()) continue;
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      const Descriptor& type = *field.message_type();
      bool scalar_like = type.file()->name() == "google/protobuf/wrappers.proto" ||
                         type.full_name() == "google.protobuf.Timestamp" ||
                         type.full_name() == "google.protobuf.Duration" ||
                         type.full_name() == "google.protobuf.FieldMask";
      if (!scalar_like) {
        if (!field.is_repeated() && type.file()->package() != "google.protobuf") {
          AddQueryParameters(type, proto_path, json_path, bound, visiting, schemas, parameters);
        }
        continue;
      }
      if (field.is_repeated()) continue;
    }
    json::object parameter{{"name", json_path},
                           {"in", "query"},
                           {"required", false},
                           {"schema", schemas.FieldSchema(field)}};
    if (field.is_repeated()) parameter["explode"] = true;
    parameters.push_back(std::move(parameter));
  }
  visiting.erase(&message);
}

json::object Operation(const Route& route, int binding_index, SchemaBuilder& schemas) {
  const google::protobuf::MethodDescriptor& method = *route.method;
  const Descriptor& input = *method.input_type();
  json::object op;
  std::string id = absl::StrCat(method.service()->name(), "_", method.name());
  if (binding_index > 0) absl::StrAppend(&id, "_", binding_index);
  op["operationId"] = id;
  op["tags"] = json::array{method.service()->name()};
  op["summary"] = method.name();

  json::array parameters;
  std::vector<std::string> bound;
  for (const PathTemplate::Variable& variable : route.path.variables()) {
    bound.push_back(absl::StrJoin(variable.field_path, "."));
    const FieldDescriptor* field = FieldAt(input, variable.field_path);
    json::object parameter{
        {"name", JsonPath(input, variable.field_path)}, {"in", "path"}, {"required", true}};
    parameter["schema"] = field ? schemas.FieldSchema(*field) : json::object{{"type", "string"}};
    parameters.push_back(std::move(parameter));
  }
  if (route.body_field != "*") {
    if (!route.body_field.empty()) bound.push_back(route.body_field);
    std::set<const Descriptor*> visiting;
    AddQueryParameters(input, "", "", bound, visiting, schemas, parameters);
  }
  if (!parameters.empty()) op["parameters"] = std::move(parameters);

  if (route.kind == RouteKind::kUpload) {
    op["requestBody"] = {
        {"required", true},
        {"description",
         "The file itself as the raw request body (binary, e.g. .xlsx or .csv), not JSON; its "
         "Content-Type is passed on to the service. Up to the gateway's upload limit."},
        {"content", {{"application/octet-stream", {{"schema", BinarySchema()}}}}}};
  } else if (!route.body_field.empty()) {
    json::object schema = route.body_field == "*"
                              ? schemas.MessageSchema(input)
                              : schemas.FieldSchema(*input.FindFieldByName(route.body_field));
    op["requestBody"] = {{"required", route.body_field != "*"},
                         {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
  }

  json::object responses;
  if (route.kind == RouteKind::kDownload) {
    responses["200"] = {
        {"description",
         "The file (binary, e.g. .xlsx or .csv), sent in chunks; its Content-Type is the "
         "file's own"},
        {"headers",
         {{"Content-Disposition",
           {{"description", "attachment; filename*=UTF-8''<percent-encoded file name>"},
            {"schema", {{"type", "string"}}}}}}},
        {"content", {{"application/octet-stream", {{"schema", BinarySchema()}}}}}};
  } else if (route.kind == RouteKind::kEventStream) {
    responses["200"] = {
        {"description",
         absl::StrCat("Server-sent events (text/event-stream): each event is named \"",
                      EventNameOf(route),
                      "\" with one such message as JSON for its data; a failure after the "
                      "stream began comes as an \"error\" event that ends it")},
        {"content",
         {{"text/event-stream", {{"schema", schemas.MessageSchema(*method.output_type())}}}}}};
  } else {
    const Descriptor& output = *method.output_type();
    json::object response_schema =
        route.response_body_field.empty()
            ? schemas.MessageSchema(output)
            : schemas.FieldSchema(*output.FindFieldByName(route.response_body_field));
    responses["200"] = {
        {"description", "OK"},
        {"content", {{"application/json", {{"schema", std::move(response_schema)}}}}}};
  }
  responses["default"] = {
      {"description", "Error; `error.field` names the offending request field, if any"},
      {"content", {{"application/json", {{"schema", Ref(kErrorSchema)}}}}}};
  op["responses"] = std::move(responses);
  if (route.is_public) op["security"] = json::array{};
  return op;
}

json::object ErrorSchema() {
  json::object string_schema{{"type", "string"}};
  json::object error{{"type", "object"},
                     {"required", json::array{"code", "message"}},
                     {"properties",
                      {{"code", {{"type", "string"}, {"example", "INVALID_ARGUMENT"}}},
                       {"message", string_schema},
                       {"field", {{"type", "string"}, {"example", "workOrder.type"}}}}}};
  return {{"type", "object"},
          {"required", json::array{"error"}},
          {"properties", {{"error", std::move(error)}}}};
}

}  // namespace

std::string OpenApiDocument(const RouteTable& routes) {
  json::object schemas;
  schemas[kErrorSchema] = ErrorSchema();
  SchemaBuilder builder(schemas);
  json::object paths;
  std::map<const google::protobuf::MethodDescriptor*, int> bindings_seen;
  for (const Route& route : routes.routes()) {
    int index = bindings_seen[route.method]++;
    json::value& path_item = paths[OpenApiPath(route)];
    if (!path_item.is_object()) path_item = json::object{};
    path_item.as_object()[absl::AsciiStrToLower(route.http_method)] =
        Operation(route, index, builder);
  }
  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "Qingquan API"},
                 {"version", "v1"},
                 {"description",
                  "REST/JSON API of the Qingquan services, generated by the gateway from the "
                  "google.api.http annotations of their gRPC methods."}};
  doc["security"] = json::array{json::object{{"bearerAuth", json::array{}}}};
  doc["paths"] = std::move(paths);
  doc["components"] = {
      {"securitySchemes",
       {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}},
      {"schemas", std::move(schemas)}};
  return json::serialize(doc);
}

}  // namespace qq::gateway
