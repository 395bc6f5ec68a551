#include "services/notification/notification_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/page_token.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/notification/domain/template_catalog.h"
#include "services/notification/message_queue.h"

namespace qq::notification {

namespace v1 = qingquan::notification::v1;
namespace events = qingquan::common::v1;
using google::protobuf::util::TimeUtil;

namespace {

constexpr size_t kMaxBodyChars = 500;
constexpr size_t kMaxProviderCodeChars = 64;

google::protobuf::Timestamp Micros(long long micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

// A stored channel name as the API's enum (UNSPECIFIED for a name it does not know).
v1::Channel ChannelOf(const std::string& name) {
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  return v1::Channel_Parse(name, &channel) ? channel : v1::CHANNEL_UNSPECIFIED;
}

// The template in force for `spec` on `channel`: the tenant's row, else the default.
v1::Template TemplateOf(const TemplateEventSpec& spec, const std::string& channel,
                        const std::vector<TemplateRow>& own) {
  v1::Template t;
  t.set_event(spec.event);
  t.set_channel(ChannelOf(channel));
  for (const auto& row : own) {
    if (row.event == spec.event && row.channel == channel) {
      t.set_body(row.body);
      t.set_provider_template_code(row.provider_template_code);
      t.set_enabled(row.enabled);
      t.set_is_default(false);
      *t.mutable_update_time() = Micros(row.updated_micros);
      t.set_updated_by(row.updated_by);
      return t;
    }
  }
  t.set_body(spec.defaults.at(channel));
  t.set_enabled(std::find(spec.enabled_by_default.begin(), spec.enabled_by_default.end(),
                          channel) != spec.enabled_by_default.end());
  t.set_is_default(true);
  return t;
}

// The event and channel named by a request, checked: field names as in the JSON body.
absl::StatusOr<const TemplateEventSpec*> EventAndChannel(const std::string& event,
                                                         v1::Channel channel,
                                                         const char* event_field,
                                                         const char* channel_field) {
  const TemplateEventSpec* spec = FindTemplateEvent(event);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const auto& e : TemplateEvents()) names.push_back(e.event);
    return WithField(
        absl::NotFoundError(absl::StrCat("no template event \"", event, "\"; events are ",
                                         absl::StrJoin(names, ", "))),
        event_field);
  }
  const std::string name = v1::Channel_Name(channel);
  if (!spec->defaults.count(name)) {
    std::vector<std::string> offered;
    for (const auto& [c, body] : spec->defaults) offered.push_back(c);
    return InvalidField(channel_field,
                        absl::StrCat(spec->event, " is not sent on ", name, "; its channels are ",
                                     absl::StrJoin(offered, ", ")));
  }
  return spec;
}

absl::Status CheckBody(const TemplateEventSpec& spec, const std::string& body) {
  if (text::TrimSpaces(body).empty()) return InvalidField("body", "must not be empty");
  if (!text::Utf8Length(body)) return InvalidField("body", "is not valid UTF-8");
  if (text::CharCount(body) > kMaxBodyChars) {
    return InvalidField("body", absl::StrCat("has more than ", kMaxBodyChars, " characters"));
  }
  if (text::HasControlCharacters(body)) {
    return InvalidField("body", "must not contain control characters");
  }
  return ValidateTemplateBody(spec, body, "body");
}

v1::NotificationSettings SettingsProto(const StoredPolicy& stored) {
  const SendPolicy& p = stored.policy;
  v1::NotificationSettings s;
  s.mutable_quiet_hours()->set_enabled(p.quiet_enabled);
  s.mutable_quiet_hours()->set_start(p.quiet_start);
  s.mutable_quiet_hours()->set_end(p.quiet_end);
  for (const auto& c : p.urgent_categories) s.add_urgent_categories(c);
  for (const char* channel : {kSms, kWeChat}) {
    auto* cap = s.add_daily_caps();
    cap->set_channel(ChannelOf(channel));
    auto it = p.daily_caps.find(channel);
    cap->set_max_per_day(it == p.daily_caps.end() ? 0 : it->second);
  }
  s.set_sms_signature(p.sms_signature);
  s.set_time_zone(p.time_zone);
  if (stored.updated_micros != 0) *s.mutable_update_time() = Micros(stored.updated_micros);
  s.set_updated_by(stored.updated_by);
  return s;
}

absl::StatusOr<SendPolicy> PolicyFromProto(const v1::NotificationSettings& s) {
  SendPolicy p;
  p.quiet_enabled = s.quiet_hours().enabled();
  p.quiet_start = s.quiet_hours().start();
  p.quiet_end = s.quiet_hours().end();
  p.urgent_categories.assign(s.urgent_categories().begin(), s.urgent_categories().end());
  p.daily_caps.clear();
  for (int i = 0; i < s.daily_caps_size(); ++i) {
    const auto& cap = s.daily_caps(i);
    if (cap.channel() != v1::SMS && cap.channel() != v1::WECHAT) {
      return InvalidField(absl::StrCat("dailyCaps[", i, "].channel"), "must be SMS or WECHAT");
    }
    const std::string name = v1::Channel_Name(cap.channel());
    if (p.daily_caps.count(name)) {
      return InvalidField(absl::StrCat("dailyCaps[", i, "].channel"), "repeats " + name);
    }
    if (cap.max_per_day() < 0 || cap.max_per_day() > 100) {
      return InvalidField(absl::StrCat("dailyCaps[", i, "].maxPerDay"),
                          "must be between 0 (no cap) and 100");
    }
    p.daily_caps[name] = cap.max_per_day();
  }
  p.sms_signature = s.sms_signature();
  p.time_zone = s.time_zone();
  QQ_RETURN_IF_ERROR(ValidateSendPolicy(p));
  return p;
}

v1::CustomerPreferences PreferencesProto(const std::string& customer_id,
                                         const std::vector<PreferenceRow>& rows) {
  v1::CustomerPreferences out;
  out.set_customer_id(customer_id);
  for (const char* channel : {kSms, kWeChat}) {
    auto* p = out.add_channels();
    p->set_channel(ChannelOf(channel));
    for (const auto& row : rows) {
      if (row.channel != channel) continue;
      p->set_opted_out(row.opted_out);
      p->set_source(row.source);
      *p->mutable_update_time() = Micros(row.updated_micros);
      p->set_updated_by(row.updated_by);
    }
  }
  return out;
}

}  // namespace

grpc::ServerUnaryReactor* NotificationServiceImpl::ListMessages(
    grpc::CallbackServerContext* ctx, const v1::ListMessagesRequest* request,
    v1::ListMessagesResponse* response) {
  // Captures by value: the handler runs on a worker thread after this function returned.
  return guard_.Offloaded(
      ctx, "ListMessages", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(
            call, {roles::kAgent, roles::kDispatcher, roles::kLeader, roles::kManager}));
        QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), 200, 50));
        QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(request->page_token()));
        QQ_RETURN_IF_ERROR(filters_.Check(call, request->customer_id(), request->work_order_id()));
        QQ_ASSIGN_OR_RETURN(MessagePage page,
                            store_.ListMessages(call.identity.tenant,
                                                {request->customer_id(), request->work_order_id(),
                                                 request->delivery_order_id()},
                                                page_size, cursor));
        for (auto& m : page.messages) *response->add_messages() = std::move(m);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TemplateServiceImpl::ListTemplates(grpc::CallbackServerContext* ctx,
                                                             const v1::ListTemplatesRequest*,
                                                             v1::ListTemplatesResponse* response) {
  return guard_.Unary(ctx, "ListTemplates", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    QQ_ASSIGN_OR_RETURN(auto own, store_.ListTemplates(call.identity.tenant));
    QQ_ASSIGN_OR_RETURN(StoredPolicy policy, store_.GetPolicy(call.identity.tenant));
    response->set_sms_signature(WithSmsSignature(policy.policy.sms_signature, ""));
    for (const auto& spec : TemplateEvents()) {
      auto* e = response->add_events();
      e->set_event(spec.event);
      e->set_label(spec.label);
      e->set_audience(spec.audience);
      e->set_category(spec.category);
      for (const auto& v : spec.variables) {
        auto* var = e->add_variables();
        var->set_name(v.name);
        var->set_label(v.label);
        var->set_sample(v.sample);
      }
      for (const auto& [channel, body] : spec.defaults) {
        *e->add_templates() = TemplateOf(spec, channel, own);
      }
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TemplateServiceImpl::UpdateTemplate(
    grpc::CallbackServerContext* ctx, const v1::UpdateTemplateRequest* request,
    v1::Template* response) {
  return guard_.Unary(ctx, "UpdateTemplate", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    const v1::Template& t = request->template_();
    QQ_ASSIGN_OR_RETURN(const TemplateEventSpec* spec,
                        EventAndChannel(t.event(), t.channel(), "event", "channel"));
    QQ_RETURN_IF_ERROR(CheckBody(*spec, t.body()));
    const std::string& code = t.provider_template_code();
    if (code.size() > kMaxProviderCodeChars ||
        !std::all_of(code.begin(), code.end(), [](char c) { return c > 32 && c < 127; })) {
      return InvalidField("providerTemplateCode",
                          "must be at most 64 printable ASCII characters without spaces");
    }
    TemplateRow row{.event = spec->event,
                    .channel = v1::Channel_Name(t.channel()),
                    .body = t.body(),
                    .provider_template_code = code,
                    .enabled = t.enabled()};
    QQ_ASSIGN_OR_RETURN(TemplateRow saved,
                        store_.SaveTemplate(call.identity.tenant, row, call.identity.user_id));
    *response = TemplateOf(*spec, saved.channel, {saved});
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TemplateServiceImpl::ResetTemplate(
    grpc::CallbackServerContext* ctx, const v1::ResetTemplateRequest* request,
    v1::Template* response) {
  return guard_.Unary(ctx, "ResetTemplate", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_ASSIGN_OR_RETURN(const TemplateEventSpec* spec,
                        EventAndChannel(request->event(), request->channel(), "event", "channel"));
    const std::string channel = v1::Channel_Name(request->channel());
    QQ_RETURN_IF_ERROR(store_.DeleteTemplate(call.identity.tenant, spec->event, channel));
    *response = TemplateOf(*spec, channel, {});
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TemplateServiceImpl::PreviewTemplate(
    grpc::CallbackServerContext* ctx, const v1::PreviewTemplateRequest* request,
    v1::PreviewTemplateResponse* response) {
  return guard_.Offloaded(
      ctx, "PreviewTemplate", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
        QQ_ASSIGN_OR_RETURN(
            const TemplateEventSpec* spec,
            EventAndChannel(request->event(), request->channel(), "event", "channel"));
        const std::string channel = v1::Channel_Name(request->channel());
        std::string body = request->body();
        if (body.empty()) {
          QQ_ASSIGN_OR_RETURN(auto own, store_.ListTemplates(call.identity.tenant));
          body = TemplateOf(*spec, channel, own).body();
        } else {
          QQ_RETURN_IF_ERROR(CheckBody(*spec, body));
        }
        std::map<std::string, std::string> values;
        for (const auto& v : spec->variables) values[v.name] = v.sample;
        if (!request->customer_id().empty()) {
          std::string name;
          QQ_RETURN_IF_ERROR(filters_.Check(call, request->customer_id(), "", &name));
          if (!name.empty()) values["customer_name"] = name;
        }
        for (const auto& [name, value] : request->values()) {
          if (std::none_of(spec->variables.begin(), spec->variables.end(),
                           [&](const auto& v) { return v.name == name; })) {
            return InvalidField(absl::StrCat("values.", name),
                                absl::StrCat("is not a variable of ", spec->event));
          }
          values[name] = value;
        }
        RenderedTemplate rendered = RenderTemplate(*spec, body, values);
        std::string text = rendered.text;
        if (channel == kSms) {
          QQ_ASSIGN_OR_RETURN(StoredPolicy policy, store_.GetPolicy(call.identity.tenant));
          text = WithSmsSignature(policy.policy.sms_signature, text);
        }
        const size_t chars = text::CharCount(text);
        response->set_text(text);
        response->set_characters(static_cast<int>(chars));
        response->set_sms_segments(channel == kSms ? SmsSegments(chars) : 0);
        for (const auto& u : rendered.used) response->add_used_variables(u);
        for (const auto& m : rendered.missing) response->add_missing_values(m);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PreferenceServiceImpl::GetNotificationSettings(
    grpc::CallbackServerContext* ctx, const v1::GetNotificationSettingsRequest*,
    v1::NotificationSettings* response) {
  return guard_.Unary(ctx, "GetNotificationSettings", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    QQ_ASSIGN_OR_RETURN(StoredPolicy stored, store_.GetPolicy(call.identity.tenant));
    *response = SettingsProto(stored);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PreferenceServiceImpl::UpdateNotificationSettings(
    grpc::CallbackServerContext* ctx, const v1::UpdateNotificationSettingsRequest* request,
    v1::NotificationSettings* response) {
  return guard_.Unary(
      ctx, "UpdateNotificationSettings", [&](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
        QQ_ASSIGN_OR_RETURN(SendPolicy policy, PolicyFromProto(request->settings()));
        QQ_ASSIGN_OR_RETURN(StoredPolicy stored,
                            store_.SavePolicy(call.identity.tenant, policy, call.identity.user_id));
        *response = SettingsProto(stored);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PreferenceServiceImpl::GetCustomerPreferences(
    grpc::CallbackServerContext* ctx, const v1::GetCustomerPreferencesRequest* request,
    v1::CustomerPreferences* response) {
  return guard_.Offloaded(
      ctx, "GetCustomerPreferences",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
        if (request->customer_id().empty()) {
          return InvalidField("customerId", "is required");
        }
        QQ_RETURN_IF_ERROR(filters_.Check(call, request->customer_id(), ""));
        QQ_ASSIGN_OR_RETURN(auto rows,
                            store_.GetPreferences(call.identity.tenant, request->customer_id()));
        *response = PreferencesProto(request->customer_id(), rows);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PreferenceServiceImpl::UpdateCustomerPreferences(
    grpc::CallbackServerContext* ctx, const v1::UpdateCustomerPreferencesRequest* request,
    v1::CustomerPreferences* response) {
  return guard_.Offloaded(
      ctx, "UpdateCustomerPreferences",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
        const auto& prefs = request->preferences();
        if (prefs.customer_id().empty()) return InvalidField("customerId", "is required");
        std::vector<PreferenceRow> changes;
        std::set<std::string> seen;
        for (int i = 0; i < prefs.channels_size(); ++i) {
          const auto& c = prefs.channels(i);
          const std::string field = absl::StrCat("channels[", i, "].channel");
          if (c.channel() != v1::SMS && c.channel() != v1::WECHAT) {
            return InvalidField(field, "must be SMS or WECHAT");
          }
          const std::string name = v1::Channel_Name(c.channel());
          if (!seen.insert(name).second) return InvalidField(field, "repeats " + name);
          changes.push_back({.channel = name, .opted_out = c.opted_out(), .source = "staff"});
        }
        QQ_RETURN_IF_ERROR(filters_.Check(call, prefs.customer_id(), ""));
        QQ_RETURN_IF_ERROR(store_.SetPreferences(call.identity.tenant, prefs.customer_id(), changes,
                                                 call.identity.user_id));
        QQ_ASSIGN_OR_RETURN(auto rows,
                            store_.GetPreferences(call.identity.tenant, prefs.customer_id()));
        *response = PreferencesProto(prefs.customer_id(), rows);
        return absl::OkStatus();
      });
}

namespace {

v1::ProviderAccount AccountProto(const std::string& channel, const ProviderAccountRow* row) {
  v1::ProviderAccount a;
  a.set_channel(ChannelOf(channel));
  v1::ProviderAccount::Provider provider = v1::ProviderAccount::DEVELOPMENT;
  if (row != nullptr) {
    v1::ProviderAccount::Provider_Parse(row->provider, &provider);
    a.set_key_id(row->key_id);
    a.set_secret_set(!row->secret_sealed.empty());
    a.set_sign_name(row->sign_name);
    a.set_sdk_app_id(row->sdk_app_id);
    a.set_region(row->region);
    *a.mutable_update_time() = Micros(row->updated_micros);
    a.set_updated_by(row->updated_by);
  }
  a.set_provider(provider);
  return a;
}

// Printable ASCII without spaces, at most `max` characters (ids, regions, app ids).
absl::Status CheckToken(const std::string& value, const char* field, size_t max, bool required) {
  if (value.empty()) {
    return required ? InvalidField(field, "is required for this provider") : absl::OkStatus();
  }
  if (value.size() > max ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c > 32 && c < 127; })) {
    return InvalidField(
        field, absl::StrCat("must be at most ", max, " printable ASCII characters without spaces"));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ProviderServiceImpl::ListProviderAccounts(
    grpc::CallbackServerContext* ctx, const v1::ListProviderAccountsRequest*,
    v1::ListProviderAccountsResponse* response) {
  return guard_.Unary(ctx, "ListProviderAccounts", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAdmin}));
    QQ_ASSIGN_OR_RETURN(auto rows, store_.ListProviderAccounts(call.identity.tenant));
    for (const char* channel : {kSms, kWeChat}) {
      const ProviderAccountRow* found = nullptr;
      for (const auto& row : rows) {
        if (row.channel == channel) found = &row;
      }
      *response->add_accounts() = AccountProto(channel, found);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProviderServiceImpl::UpdateProviderAccount(
    grpc::CallbackServerContext* ctx, const v1::UpdateProviderAccountRequest* request,
    v1::ProviderAccount* response) {
  return guard_.Unary(ctx, "UpdateProviderAccount", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAdmin}));
    const v1::ProviderAccount& a = request->account();
    using P = v1::ProviderAccount;
    const bool sms = a.channel() == v1::SMS, wechat = a.channel() == v1::WECHAT;
    if (!sms && !wechat) return InvalidField("channel", "must be SMS or WECHAT");
    const P::Provider p = a.provider();
    const bool fits = p == P::DEVELOPMENT || (sms && (p == P::ALIYUN_SMS || p == P::TENCENT_SMS)) ||
                      (wechat && (p == P::WECHAT_MINI_PROGRAM || p == P::WECHAT_OFFICIAL_ACCOUNT));
    if (!fits) {
      return InvalidField("provider",
                          sms ? "SMS goes through DEVELOPMENT, ALIYUN_SMS or TENCENT_SMS"
                              : "WeChat goes through DEVELOPMENT, WECHAT_MINI_PROGRAM "
                                "or WECHAT_OFFICIAL_ACCOUNT");
    }
    const std::string channel = v1::Channel_Name(a.channel());
    ProviderAccountRow row{.channel = channel, .provider = P::Provider_Name(p)};
    if (p != P::DEVELOPMENT) {
      QQ_RETURN_IF_ERROR(CheckToken(a.key_id(), "keyId", 128, true));
      QQ_RETURN_IF_ERROR(CheckToken(a.region(), "region", 32, false));
      QQ_RETURN_IF_ERROR(CheckToken(a.sdk_app_id(), "sdkAppId", 32, p == P::TENCENT_SMS));
      if (a.secret().size() > 256 || text::HasControlCharacters(a.secret())) {
        return InvalidField("secret", "must be at most 256 characters");
      }
      if (sms) {
        const size_t sign = text::CharCount(a.sign_name());
        if (sign < 2 || sign > 12) {
          return InvalidField("signName",
                              "must be the provider's approved signature, 2 to 12 "
                              "characters");
        }
      }
      QQ_ASSIGN_OR_RETURN(auto stored, store_.GetProviderAccount(call.identity.tenant, channel));
      // A new secret is required when the stored one belongs to another provider or app.
      const bool keeps_secret = stored.has_value() && stored->provider == row.provider &&
                                stored->key_id == a.key_id() && !stored->secret_sealed.empty();
      if (a.secret().empty() && !keeps_secret) {
        return InvalidField("secret", "is required for a new provider or key id");
      }
      row.key_id = a.key_id();
      row.sign_name = a.sign_name();
      row.sdk_app_id = a.sdk_app_id();
      row.region = a.region();
      if (!a.secret().empty()) {
        row.secret_key_id = cipher_.current_key_id();
        row.secret_sealed = cipher_.Seal(call.identity.tenant, a.secret());
      }
    }
    QQ_ASSIGN_OR_RETURN(
        ProviderAccountRow saved,
        store_.SaveProviderAccount(call.identity.tenant, row, call.identity.user_id));
    directory_.Forget(call.identity.tenant);
    *response = AccountProto(channel, &saved);
    return absl::OkStatus();
  });
}

namespace {

std::string ItemsText(const events::DeliveryOrderChanged& e) {
  std::string items;
  for (const auto& item : e.items()) {
    absl::StrAppend(&items, items.empty() ? "" : "、", item.product(), "×", item.quantity());
  }
  return items;
}

// Work-order steps customers hear about, by meaning.
const char* WorkOrderTemplateFor(events::StepKind kind) {
  switch (kind) {
    case events::STEP_ACCEPTED:
      return kWorkOrderAccepted;
    case events::STEP_DEPARTED:
      return kWorkerOnTheWay;
    case events::STEP_RESOLVED:
      return kWorkOrderResolved;
    default:
      return nullptr;
  }
}

const char* DeliveryTemplateFor(events::StepKind kind) {
  switch (kind) {
    case events::STEP_ASSIGNED:
      return kDeliveryAssigned;
    case events::STEP_DEPARTED:
      return kCourierOnTheWay;
    case events::STEP_DELIVERED:
      return kDeliveryDelivered;
    default:
      return nullptr;
  }
}

}  // namespace

absl::Status HandleOrderEvent(pqxx::work& txn, const StreamEvent& event, absl::Time now) {
  MessageRequest request{.tenant = event.tenant, .source = event.event_id};
  if (event.type == "survey.offered") {
    events::SurveyOffered survey;
    if (!survey.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError("survey.offered payload does not parse");
    }
    const bool work_order = survey.order_kind() == "WORK_ORDER";
    request.event = work_order ? kWorkOrderSurvey : kDeliverySurvey;
    request.customer_id = survey.customer_id();
    (work_order ? request.work_order_id : request.delivery_order_id) = survey.order_id();
    request.recipients[kSms] = survey.contact_phone();
    request.values = {{"customer_name", survey.customer_name()}, {"order_number", survey.number()}};
  } else if (event.type.rfind("workorder.", 0) == 0 && event.type != "workorder.created" &&
             event.type != "workorder.assigned" && event.type != "workorder.worker_offered") {
    events::WorkOrderTransitioned step;
    if (!step.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError(event.type + " payload does not parse");
    }
    events::StepKind kind = step.step_kind();
    // Events from before step kinds: the shipped name is the only meaning they have.
    if (kind == events::STEP_KIND_UNSPECIFIED && event.type == "workorder.resolved") {
      kind = events::STEP_RESOLVED;
    }
    const char* template_event = WorkOrderTemplateFor(kind);
    if (template_event == nullptr) return absl::OkStatus();
    request.event = template_event;
    request.customer_id = step.customer_id();
    request.work_order_id = step.work_order_id();
    request.recipients[kSms] = step.contact_phone();
    request.values = {{"customer_name", step.customer_name()},
                      {"order_number", step.number()},
                      {"order_type", WorkOrderTypeLabel(step.type())},
                      {"worker_name", step.assignee_name()},
                      {"result", step.result()}};
  } else if (event.type.rfind("order.", 0) == 0) {
    events::DeliveryOrderChanged step;
    if (!step.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError(event.type + " payload does not parse");
    }
    const char* template_event = DeliveryTemplateFor(step.step_kind());
    if (template_event == nullptr) return absl::OkStatus();
    request.event = template_event;
    request.customer_id = step.customer_id();
    request.delivery_order_id = step.order_id();
    request.recipients[kSms] = step.contact_phone();
    request.values = {{"customer_name", step.customer_name()},
                      {"order_number", step.number()},
                      {"courier_name", step.courier_name()},
                      {"items", ItemsText(step)}};
  } else {
    return absl::OkStatus();
  }
  // An anonymous customer has no name to greet; the templates read "尊敬的客户".
  if (request.values["customer_name"].empty()) request.values["customer_name"] = "客户";
  QueueMessages(txn, request, now);
  return absl::OkStatus();
}

}  // namespace qq::notification
