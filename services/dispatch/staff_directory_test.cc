// CustomerStaffDirectory against a fake customer service on port 0 (and against nothing):
// what it sends (the tenant's service token, the ids) and how answers and failures map.
#include "services/dispatch/staff_directory.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/client.h"
#include "services/common/server.h"
#include "services/common/status.h"

namespace qq::dispatch {
namespace {

namespace customer_v1 = qingquan::customer::v1;

const JwtKey kKey{"test", "0123456789abcdef0123456789abcdef-directory"};
constexpr char kWorker[] = "6f1c2f7e-0000-4000-8000-000000000001";

// Knows one worker of tenant "t1"; records who asked.
class FakeAuthService final : public customer_v1::AuthService::CallbackService {
 public:
  grpc::ServerUnaryReactor* LookupUsers(grpc::CallbackServerContext* ctx,
                                        const customer_v1::LookupUsersRequest* request,
                                        customer_v1::LookupUsersResponse* response) override {
    auto* reactor = ctx->DefaultReactor();
    auto auth = ctx->client_metadata().find("authorization");
    if (auth == ctx->client_metadata().end()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no token"));
      return reactor;
    }
    auto identity = TokenVerifier({kKey}).VerifyAuthorizationHeader(
        absl::string_view(auth->second.data(), auth->second.size()));
    if (!identity.ok()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad token"));
      return reactor;
    }
    caller_ = *identity;
    for (const std::string& id : request->ids()) {
      if (identity->tenant == "t1" && id == kWorker) {
        auto* user = response->add_users();
        user->set_id(id);
        user->set_username("wang");
        user->set_display_name("王师傅");
        user->add_roles("worker");
      }
    }
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  Identity caller_;
};

TEST(CustomerStaffDirectory, AsksAsTheTenantsServiceAndMapsTheAccounts) {
  FakeAuthService auth;
  GrpcServer server;
  ASSERT_TRUE(server.Start("127.0.0.1:0", {&auth}).ok());
  TokenIssuer issuer(kKey);
  CustomerStaffDirectory directory(MakeChannel("127.0.0.1:" + std::to_string(server.port())),
                                   issuer);
  auto found = directory.LookupUsers("t1", {kWorker, "6f1c2f7e-0000-4000-8000-000000000002"});
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].display_name, "王师傅");
  EXPECT_EQ((*found)[0].roles, std::vector<std::string>{"worker"});
  EXPECT_EQ(auth.caller_.tenant, "t1");
  EXPECT_TRUE(auth.caller_.HasRole(roles::kService));
  // Another tenant's caller finds nobody: the check then refuses the id.
  auto checked =
      CheckStaff(directory, "t2", {{.field = "userId", .id = kWorker, .place = &kWorkerPlace}});
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(checked.status()), "userId");
  server.Shutdown(std::chrono::seconds(1));
}

TEST(CustomerStaffDirectory, AnUnreachableCustomerServiceIsUnavailableNotUnknown) {
  TokenIssuer issuer(kKey);
  CustomerStaffDirectory directory(MakeChannel("127.0.0.1:1"), issuer,
                                   std::chrono::milliseconds(500));
  auto found = directory.LookupUsers("t1", {kWorker});
  EXPECT_EQ(found.status().code(), absl::StatusCode::kUnavailable) << found.status();
  auto checked =
      CheckStaff(directory, "t1", {{.field = "userId", .id = kWorker, .place = &kWorkerPlace}});
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace qq::dispatch
