// gRPC handlers of the customer service: the customer archive and the login.
#pragma once

#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/customer/customer_store.h"
#include "services/customer/login_throttle.h"

namespace qq::customer {

class CustomerServiceImpl final : public qingquan::customer::v1::CustomerService::CallbackService {
 public:
  CustomerServiceImpl(CallGuard& guard, CustomerStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* CreateCustomer(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::CreateCustomerRequest* request,
      qingquan::customer::v1::Customer* response) override;
  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* ctx,
                                        const qingquan::customer::v1::GetCustomerRequest* request,
                                        qingquan::customer::v1::Customer* response) override;
  grpc::ServerUnaryReactor* ListCustomers(
      grpc::CallbackServerContext* ctx, const qingquan::customer::v1::ListCustomersRequest* request,
      qingquan::customer::v1::ListCustomersResponse* response) override;

 private:
  CallGuard& guard_;
  CustomerStore& store_;
};

class AuthServiceImpl final : public qingquan::customer::v1::AuthService::CallbackService {
 public:
  static constexpr std::chrono::seconds kTokenLifetime{3600};

  AuthServiceImpl(CallGuard& guard, CustomerStore& store, LoginThrottle& throttle,
                  const TokenIssuer& issuer)
      : guard_(guard), store_(store), throttle_(throttle), issuer_(issuer) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* ctx,
                                  const qingquan::customer::v1::LoginRequest* request,
                                  qingquan::customer::v1::LoginResponse* response) override;

 private:
  CallGuard& guard_;
  CustomerStore& store_;
  LoginThrottle& throttle_;
  const TokenIssuer& issuer_;
};

}  // namespace qq::customer
