// The gRPC API of the dispatch service end to end in one process: a server on port 0
// with the real handlers, CallGuard and store, called through a stub with tokens as the
// gateway forwards them. Proves roles, field errors and tenant scoping at the API.
#include <grpcpp/grpcpp.h>

#include "qingquan/dispatch/v1/dispatch.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/metrics.h"
#include "services/common/server.h"
#include "services/common/status.h"
#include "services/dispatch/dispatch_pgtest_fixture.h"
#include "services/dispatch/dispatch_service.h"

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;

const JwtKey kKey{"test", "0123456789abcdef0123456789abcdef-dispatch"};

class DispatchServicePgTest : public DispatchPgTest {
 protected:
  static void SetUpTestSuite() {
    DispatchPgTest::SetUpTestSuite();
    if (store_ == nullptr) return;
    metrics_ = new Metrics("dispatch-test");
    verifier_ = new TokenVerifier({kKey});
    guard_ = new CallGuard(*verifier_, *metrics_);
    offers_ = new WorkerOfferStore(*pool_);
    service_ = new DispatchServiceImpl(*guard_, *store_, *offers_);
    server_ = new GrpcServer;
    absl::Status started = server_->Start("127.0.0.1:0", {service_});
    if (!started.ok()) setup_error_ = started.ToString();
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Shutdown(std::chrono::seconds(1));
    delete server_;
    server_ = nullptr;
    delete service_;
    service_ = nullptr;
    delete guard_;
    guard_ = nullptr;
    delete verifier_;
    verifier_ = nullptr;
    delete metrics_;
    metrics_ = nullptr;
    DispatchPgTest::TearDownTestSuite();
  }

  void SetUp() override {
    DispatchPgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    stub_ =
        v1::DispatchService::NewStub(MakeChannel("127.0.0.1:" + std::to_string(server_->port())));
  }

  // A context carrying a token of this test's tenant (or `tenant`) with `roles`.
  std::unique_ptr<grpc::ClientContext> As(std::vector<std::string> roles,
                                          const std::string& tenant = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    auto token = TokenIssuer(kKey).Issue(Identity{.tenant = tenant.empty() ? tenant_ : tenant,
                                                  .user_id = "u-1",
                                                  .username = "tester",
                                                  .roles = std::move(roles)},
                                         std::chrono::seconds(60));
    EXPECT_TRUE(token.ok()) << token.status();
    ctx->AddMetadata(kAuthorizationHeader, "Bearer " + token.value_or(""));
    return ctx;
  }

  v1::Team CreateTeamOverApi(const std::string& name) {
    v1::CreateTeamRequest request;
    request.mutable_team()->set_name(name);
    v1::Team team;
    grpc::Status status = stub_->CreateTeam(As({"dispatcher"}).get(), request, &team);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return team;
  }

  static v1::CreateAreaRequest AreaRequest(const std::string& name, const std::string& team_id,
                                           std::vector<std::pair<double, double>> lat_lngs) {
    v1::CreateAreaRequest request;
    request.mutable_area()->set_name(name);
    request.mutable_area()->set_team_id(team_id);
    for (auto [lat, lng] : lat_lngs) {
      auto* point = request.mutable_area()->add_boundary();
      point->set_lat(lat);
      point->set_lng(lng);
    }
    return request;
  }

  static inline Metrics* metrics_ = nullptr;
  static inline TokenVerifier* verifier_ = nullptr;
  static inline CallGuard* guard_ = nullptr;
  static inline WorkerOfferStore* offers_ = nullptr;
  static inline DispatchServiceImpl* service_ = nullptr;
  static inline GrpcServer* server_ = nullptr;
  std::unique_ptr<v1::DispatchService::Stub> stub_;
};

const std::vector<std::pair<double, double>> kEastRing = {
    {31.20, 121.50}, {31.20, 121.60}, {31.30, 121.60}, {31.30, 121.50}};

TEST_F(DispatchServicePgTest, OnlyDispatchersAndAdminsCreateTeams) {
  v1::CreateTeamRequest request;
  request.mutable_team()->set_name("城东区维修组");
  request.mutable_team()->set_leader_id("u-leader");
  request.mutable_team()->add_member_ids("u-worker");
  v1::Team team;
  EXPECT_EQ(stub_->CreateTeam(As({"worker", "leader"}).get(), request, &team).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->CreateTeam(As({"dispatcher"}).get(), request, &team).ok());
  EXPECT_EQ(team.id().size(), 36u);
  EXPECT_EQ(team.member_ids_size(), 1);
  request.mutable_team()->set_name("城西区维修组");
  EXPECT_TRUE(stub_->CreateTeam(As({"admin"}).get(), request, &team).ok());

  v1::ListTeamsResponse teams;
  ASSERT_TRUE(stub_->ListTeams(As({"worker"}).get(), {}, &teams).ok());
  EXPECT_EQ(teams.teams_size(), 2);
  EXPECT_EQ(stub_->ListTeams(As({"finance"}).get(), {}, &teams).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto anonymous = std::make_unique<grpc::ClientContext>();
  EXPECT_EQ(stub_->ListTeams(anonymous.get(), {}, &teams).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(DispatchServicePgTest, CreateTeamNamesTheFieldOfADuplicateOrBlankName) {
  CreateTeamOverApi("城东区维修组");
  v1::CreateTeamRequest request;
  request.mutable_team()->set_name(" 城东区维修组 ");
  v1::Team team;
  grpc::Status duplicate = stub_->CreateTeam(As({"dispatcher"}).get(), request, &team);
  EXPECT_EQ(duplicate.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(FieldOf(FromGrpcStatus(duplicate)), "team.name");
  request.mutable_team()->set_name("");
  grpc::Status blank = stub_->CreateTeam(As({"dispatcher"}).get(), request, &team);
  EXPECT_EQ(blank.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(FromGrpcStatus(blank)), "team.name");
}

TEST_F(DispatchServicePgTest, CreateAreaNamesTheFieldThatIsWrong) {
  std::string team_id = CreateTeamOverApi("城东区维修组").id();
  v1::Area area;
  struct Case {
    v1::CreateAreaRequest request;
    grpc::StatusCode code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {AreaRequest("蝴蝶", team_id,
                   {{31.20, 121.50}, {31.30, 121.60}, {31.20, 121.60}, {31.30, 121.50}}),
       grpc::StatusCode::INVALID_ARGUMENT, "area.boundary"},
      {AreaRequest("线", team_id, {{31.2, 121.5}, {31.3, 121.6}}),
       grpc::StatusCode::INVALID_ARGUMENT, "area.boundary"},
      {AreaRequest("北极", team_id, {{31.2, 121.5}, {91, 121.6}, {31.3, 121.6}}),
       grpc::StatusCode::INVALID_ARGUMENT, "area.boundary[1].lat"},
      {AreaRequest("", team_id, kEastRing), grpc::StatusCode::INVALID_ARGUMENT, "area.name"},
      {AreaRequest("城东区", "", kEastRing), grpc::StatusCode::INVALID_ARGUMENT, "area.teamId"},
      {AreaRequest("城东区", "6f1c2f7e-0000-4000-8000-000000000000", kEastRing),
       grpc::StatusCode::NOT_FOUND, "area.teamId"},
  };
  for (const Case& c : cases) {
    grpc::Status status = stub_->CreateArea(As({"dispatcher"}).get(), c.request, &area);
    EXPECT_EQ(status.error_code(), c.code) << c.field << ": " << status.error_message();
    EXPECT_EQ(FieldOf(FromGrpcStatus(status)), c.field) << status.error_message();
  }
  EXPECT_EQ(
      stub_->CreateArea(As({"leader"}).get(), AreaRequest("城东区", team_id, kEastRing), &area)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DispatchServicePgTest, AreasComeBackWithoutTheClosingPointAndResolveForServices) {
  std::string team_id = CreateTeamOverApi("城东区维修组").id();
  auto closed_ring = kEastRing;
  closed_ring.push_back(kEastRing.front());
  v1::Area created;
  ASSERT_TRUE(stub_
                  ->CreateArea(As({"dispatcher"}).get(),
                               AreaRequest("城东区", team_id, closed_ring), &created)
                  .ok());
  EXPECT_EQ(created.team_name(), "城东区维修组");
  EXPECT_EQ(created.boundary_size(), 4);

  v1::ListAreasResponse areas;
  ASSERT_TRUE(stub_->ListAreas(As({"agent"}).get(), {}, &areas).ok());
  ASSERT_EQ(areas.areas_size(), 1);
  ASSERT_EQ(areas.areas(0).boundary_size(), 4);
  EXPECT_EQ(areas.areas(0).boundary(2).lat(), 31.30);
  EXPECT_EQ(areas.areas(0).boundary(2).lng(), 121.60);
  EXPECT_EQ(areas.areas(0).team_name(), "城东区维修组");

  v1::ResolveAreaRequest inside;
  inside.set_lat(31.25);
  inside.set_lng(121.55);
  v1::Area resolved;
  ASSERT_TRUE(stub_->ResolveArea(As({"service"}).get(), inside, &resolved).ok());
  EXPECT_EQ(resolved.id(), created.id());
  EXPECT_EQ(resolved.team_id(), team_id);
  EXPECT_EQ(resolved.team_name(), "城东区维修组");
  // The tenant comes from the token alone.
  EXPECT_EQ(
      stub_->ResolveArea(As({"service"}, tenant_ + "-other").get(), inside, &resolved).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->ResolveArea(As({"finance"}).get(), inside, &resolved).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ResolveAreaRequest outside;
  outside.set_lat(39.9);
  outside.set_lng(116.4);
  EXPECT_EQ(stub_->ResolveArea(As({"dispatcher"}).get(), outside, &resolved).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ResolveAreaRequest bad;
  bad.set_lat(31.25);
  bad.set_lng(181);
  grpc::Status status = stub_->ResolveArea(As({"dispatcher"}).get(), bad, &resolved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "lng");
}

TEST_F(DispatchServicePgTest, GetAssignmentShowsTheRoutedTeamToTheTenantOnly) {
  CreateDistricts();
  ASSERT_TRUE(Route("wo-api", GeoPoint{31.25, 121.45}).ok());
  v1::GetAssignmentRequest request;
  request.set_work_order_id("wo-api");
  v1::Assignment assignment;
  ASSERT_TRUE(stub_->GetAssignment(As({"leader"}).get(), request, &assignment).ok());
  EXPECT_EQ(assignment.team_name(), "城西区维修组");
  EXPECT_EQ(assignment.area_name(), "城西区");
  EXPECT_FALSE(assignment.outside_areas());
  EXPECT_GT(assignment.assign_time().seconds(), 0);
  EXPECT_EQ(stub_->GetAssignment(As({"leader"}, tenant_ + "-other").get(), request, &assignment)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_work_order_id("");
  grpc::Status status = stub_->GetAssignment(As({"leader"}).get(), request, &assignment);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "workOrderId");
}

}  // namespace
}  // namespace qq::dispatch
