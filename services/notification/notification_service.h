// gRPC handlers of the notification service (messages, templates, preferences), and the
// handler of order-service events that turns workflow steps into customer messages by
// their meaning (StepKind), whatever the tenant named the step.
#pragma once

#include <pqxx/pqxx>

#include "absl/time/time.h"
#include "qingquan/notification/v1/notification.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/event_consumer.h"
#include "services/notification/message_filters.h"
#include "services/notification/notification_store.h"
#include "services/notification/provider_directory.h"

namespace qq::notification {

class NotificationServiceImpl final
    : public qingquan::notification::v1::NotificationService::CallbackService {
 public:
  NotificationServiceImpl(CallGuard& guard, NotificationStore& store, MessageFilters& filters)
      : guard_(guard), store_(store), filters_(filters) {}

  grpc::ServerUnaryReactor* ListMessages(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::ListMessagesRequest* request,
      qingquan::notification::v1::ListMessagesResponse* response) override;

 private:
  CallGuard& guard_;
  NotificationStore& store_;
  MessageFilters& filters_;
};

class TemplateServiceImpl final
    : public qingquan::notification::v1::TemplateService::CallbackService {
 public:
  TemplateServiceImpl(CallGuard& guard, NotificationStore& store, MessageFilters& filters)
      : guard_(guard), store_(store), filters_(filters) {}

  grpc::ServerUnaryReactor* ListTemplates(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::ListTemplatesRequest* request,
      qingquan::notification::v1::ListTemplatesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTemplate(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::UpdateTemplateRequest* request,
      qingquan::notification::v1::Template* response) override;
  grpc::ServerUnaryReactor* ResetTemplate(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::ResetTemplateRequest* request,
      qingquan::notification::v1::Template* response) override;
  grpc::ServerUnaryReactor* PreviewTemplate(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::PreviewTemplateRequest* request,
      qingquan::notification::v1::PreviewTemplateResponse* response) override;

 private:
  CallGuard& guard_;
  NotificationStore& store_;
  MessageFilters& filters_;
};

class PreferenceServiceImpl final
    : public qingquan::notification::v1::PreferenceService::CallbackService {
 public:
  PreferenceServiceImpl(CallGuard& guard, NotificationStore& store, MessageFilters& filters)
      : guard_(guard), store_(store), filters_(filters) {}

  grpc::ServerUnaryReactor* GetNotificationSettings(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::GetNotificationSettingsRequest* request,
      qingquan::notification::v1::NotificationSettings* response) override;
  grpc::ServerUnaryReactor* UpdateNotificationSettings(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::UpdateNotificationSettingsRequest* request,
      qingquan::notification::v1::NotificationSettings* response) override;
  grpc::ServerUnaryReactor* GetCustomerPreferences(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::GetCustomerPreferencesRequest* request,
      qingquan::notification::v1::CustomerPreferences* response) override;
  grpc::ServerUnaryReactor* UpdateCustomerPreferences(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::UpdateCustomerPreferencesRequest* request,
      qingquan::notification::v1::CustomerPreferences* response) override;

 private:
  CallGuard& guard_;
  NotificationStore& store_;
  MessageFilters& filters_;
};

class ProviderServiceImpl final
    : public qingquan::notification::v1::ProviderService::CallbackService {
 public:
  ProviderServiceImpl(CallGuard& guard, NotificationStore& store, ProviderDirectory& directory,
                      const AtRestCipher& cipher)
      : guard_(guard), store_(store), directory_(directory), cipher_(cipher) {}

  grpc::ServerUnaryReactor* ListProviderAccounts(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::ListProviderAccountsRequest* request,
      qingquan::notification::v1::ListProviderAccountsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProviderAccount(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::UpdateProviderAccountRequest* request,
      qingquan::notification::v1::ProviderAccount* response) override;

 private:
  CallGuard& guard_;
  NotificationStore& store_;
  ProviderDirectory& directory_;
  const AtRestCipher& cipher_;
};

// Order-service events (workflow steps of work and delivery orders, survey.offered) →
// queued customer messages. Each event queues its messages once, however often delivered.
absl::Status HandleOrderEvent(pqxx::work& txn, const StreamEvent& event, absl::Time now);

}  // namespace qq::notification
