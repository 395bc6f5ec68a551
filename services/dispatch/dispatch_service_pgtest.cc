// The gRPC API of the dispatch service end to end in one process: a server on port 0
// with the real handlers, CallGuard and store, called through a stub with tokens as the
// gateway forwards them. Proves roles, field errors and tenant scoping at the API.
#include <grpcpp/grpcpp.h>

#include <map>
#include <mutex>

#include "absl/strings/str_format.h"

#include "qingquan/dispatch/v1/dispatch.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/metrics.h"
#include "services/common/redis_client.h"
#include "services/common/server.h"
#include "services/common/status.h"
#include "services/dispatch/dispatch_pgtest_fixture.h"
#include "services/dispatch/dispatch_service.h"
#include "services/dispatch/field_service.h"
#include "services/dispatch/staff_directory.h"

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;

const JwtKey kKey{"test", "0123456789abcdef0123456789abcdef-dispatch"};

// The customer service's staff accounts as a test sets them up; while `down`, it answers as
// an unreachable customer service does (CustomerStaffDirectory maps every failure so).
class FakeStaffDirectory final : public StaffDirectory {
 public:
  absl::StatusOr<std::vector<StaffAccount>> LookupUsers(
      const std::string& tenant, const std::vector<std::string>& ids) override {
    std::lock_guard lock(mu_);
    ++calls_;
    if (down_) return absl::UnavailableError("cannot check staff accounts now");
    std::vector<StaffAccount> found;
    for (const std::string& id : ids) {
      auto it = accounts_.find({tenant, id});
      if (it != accounts_.end()) found.push_back(it->second);
    }
    return found;
  }

  void Add(const std::string& tenant, StaffAccount account) {
    std::lock_guard lock(mu_);
    accounts_[{tenant, account.id}] = std::move(account);
  }
  void SetDown(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, StaffAccount> accounts_;
  bool down_ = false;
  int calls_ = 0;
};

class DispatchServicePgTest : public DispatchPgTest {
 protected:
  static void SetUpTestSuite() {
    DispatchPgTest::SetUpTestSuite();
    if (store_ == nullptr) return;
    metrics_ = new Metrics("dispatch-test");
    verifier_ = new TokenVerifier({kKey});
    guard_ = new CallGuard(*verifier_, *metrics_);
    offers_ = new WorkerOfferStore(*pool_);
    people_ = new FakeStaffDirectory;
    service_ = new DispatchServiceImpl(*guard_, *store_, *offers_, *people_);
    staff_ = new StaffStore(*pool_, nullptr);
    routes_ = new RouteStore(*pool_);
    redis_ = new RedisClient("127.0.0.1:1", std::chrono::milliseconds(100));  // never started
    relay_ = new OutboxRelay(*pool_, *redis_, nullptr, {});
    staff_service_ = new StaffServiceImpl(*guard_, *staff_, *routes_, *relay_, *people_);
    server_ = new GrpcServer;
    absl::Status started = server_->Start("127.0.0.1:0", {service_, staff_service_});
    if (!started.ok()) setup_error_ = started.ToString();
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Shutdown(std::chrono::seconds(1));
    delete server_;
    server_ = nullptr;
    delete service_;
    service_ = nullptr;
    delete staff_service_;
    staff_service_ = nullptr;
    delete relay_;
    relay_ = nullptr;
    delete redis_;
    redis_ = nullptr;
    delete routes_;
    routes_ = nullptr;
    delete staff_;
    staff_ = nullptr;
    delete people_;
    people_ = nullptr;
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
    auto channel = MakeChannel("127.0.0.1:" + std::to_string(server_->port()));
    stub_ = v1::DispatchService::NewStub(channel);
    staff_stub_ = v1::StaffService::NewStub(channel);
    people_->SetDown(false);
  }

  // A new staff account of this test's tenant (or `tenant`) in the fake customer service;
  // its id.
  std::string NewAccount(std::vector<std::string> roles, const std::string& display_name = "",
                         bool disabled = false, const std::string& tenant = "") {
    static int next = 0;
    const std::string id = absl::StrFormat("00000000-0000-4000-8000-%012d", ++next);
    people_->Add(tenant.empty() ? tenant_ : tenant,
                 StaffAccount{.id = id,
                              .username = absl::StrCat("user", next),
                              .display_name = display_name,
                              .roles = std::move(roles),
                              .disabled = disabled});
    return id;
  }

  grpc::Status PutWorker(const std::string& user_id, const std::string& name,
                         Staff::Kind kind = Staff::WORKER, v1::Staff* out = nullptr) {
    v1::PutStaffRequest request;
    request.mutable_staff()->set_user_id(user_id);
    request.mutable_staff()->set_kind(kind);
    request.mutable_staff()->set_name(name);
    if (kind == Staff::COURIER) {
      request.mutable_staff()->set_vehicle(Staff::E_BIKE);
      request.mutable_staff()->set_capacity_barrels(20);
      request.mutable_staff()->mutable_home_base()->set_lat(31.25);
      request.mutable_staff()->mutable_home_base()->set_lng(121.55);
    }
    v1::Staff ignored;
    return staff_stub_->PutStaff(As({"dispatcher"}).get(), request, out ? out : &ignored);
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
  static inline FakeStaffDirectory* people_ = nullptr;
  static inline StaffStore* staff_ = nullptr;
  static inline RouteStore* routes_ = nullptr;
  static inline RedisClient* redis_ = nullptr;
  static inline OutboxRelay* relay_ = nullptr;
  static inline StaffServiceImpl* staff_service_ = nullptr;
  static inline GrpcServer* server_ = nullptr;
  std::unique_ptr<v1::DispatchService::Stub> stub_;
  std::unique_ptr<v1::StaffService::Stub> staff_stub_;
};

const std::vector<std::pair<double, double>> kEastRing = {
    {31.20, 121.50}, {31.20, 121.60}, {31.30, 121.60}, {31.30, 121.50}};

TEST_F(DispatchServicePgTest, OnlyDispatchersAndAdminsCreateTeams) {
  v1::CreateTeamRequest request;
  request.mutable_team()->set_name("城东区维修组");
  request.mutable_team()->set_leader_id(NewAccount({"leader"}));
  request.mutable_team()->add_member_ids(NewAccount({"worker"}));
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

std::string Repeat(const std::string& unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

TEST_F(DispatchServicePgTest, PutStaffTakesOnlyTheTenantsStaffInAFittingRole) {
  const std::string other_tenants = NewAccount({"worker"}, "别家", false, tenant_ + "-other");
  const std::string courier = NewAccount({"courier"}, "李师傅");
  const std::string disabled = NewAccount({"worker"}, "离职", /*disabled=*/true);
  const std::string agent = NewAccount({"agent"}, "客服");
  struct Case {
    std::string user_id;
    Staff::Kind kind;
    std::string says;
  };
  const std::vector<Case> refused = {
      {other_tenants, Staff::WORKER, "not a staff account of this tenant"},
      {"6f1c2f7e-0000-4000-8000-00000000beef", Staff::WORKER, "not a staff account"},
      {"../../etc/passwd", Staff::WORKER, "not a staff account"},
      {courier, Staff::WORKER, "needs worker or leader"},
      {agent, Staff::COURIER, "needs courier"},
      {disabled, Staff::WORKER, "disabled"},
  };
  for (const Case& c : refused) {
    grpc::Status status = PutWorker(c.user_id, "某人", c.kind);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.user_id;
    EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "userId") << status.error_message();
    EXPECT_NE(status.error_message().find(c.says), std::string::npos) << status.error_message();
  }
  v1::ListStaffResponse listed;
  ASSERT_TRUE(staff_stub_->ListStaff(As({"dispatcher"}).get(), {}, &listed).ok());
  EXPECT_EQ(listed.staff_size(), 0);

  // The real courier, without a name: the account's display name.
  v1::Staff stored;
  grpc::Status ok = PutWorker(courier, "", Staff::COURIER, &stored);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(stored.name(), "李师傅");
  // A name given wins.
  ASSERT_TRUE(PutWorker(courier, "小李", Staff::COURIER, &stored).ok());
  EXPECT_EQ(stored.name(), "小李");
}

TEST_F(DispatchServicePgTest, PutStaffAnswersUnavailableWhenTheCustomerServiceIsDown) {
  const std::string worker = NewAccount({"worker"}, "王师傅");
  people_->SetDown(true);
  grpc::Status status = PutWorker(worker, "王师傅");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  v1::GetStaffRequest get;
  get.set_user_id(worker);
  v1::Staff staff;
  EXPECT_EQ(staff_stub_->GetStaff(As({"dispatcher"}).get(), get, &staff).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A malformed id is refused without asking anyone.
  const int calls = people_->calls();
  EXPECT_EQ(PutWorker("garbage", "王师傅").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(people_->calls(), calls);
  people_->SetDown(false);
  EXPECT_TRUE(PutWorker(worker, "王师傅").ok());
}

TEST_F(DispatchServicePgTest, StaffNamesAndSkillsAreLimitedInCharacters) {
  const std::string worker = NewAccount({"worker"});
  for (const std::string unit : {"王", "😀", "Ｗ"}) {
    EXPECT_TRUE(PutWorker(worker, Repeat(unit, 119)).ok()) << unit;
    v1::Staff stored;
    ASSERT_TRUE(PutWorker(worker, Repeat(unit, 120), Staff::WORKER, &stored).ok()) << unit;
    EXPECT_EQ(stored.name(), Repeat(unit, 120));
    grpc::Status status = PutWorker(worker, Repeat(unit, 121));
    EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "name") << unit;
    EXPECT_NE(status.error_message().find("at most 120 characters"), std::string::npos)
        << status.error_message();

    v1::PutStaffRequest request;
    request.mutable_staff()->set_user_id(worker);
    request.mutable_staff()->set_kind(Staff::WORKER);
    request.mutable_staff()->add_skills(Repeat(unit, 59));
    request.mutable_staff()->add_skills(Repeat(unit, 60));
    ASSERT_TRUE(staff_stub_->PutStaff(As({"dispatcher"}).get(), request, &stored).ok()) << unit;
    ASSERT_EQ(stored.skills_size(), 2);
    EXPECT_EQ(stored.skills(1), Repeat(unit, 60));
    request.mutable_staff()->add_skills(Repeat(unit, 61));
    status = staff_stub_->PutStaff(As({"dispatcher"}).get(), request, &stored);
    EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "skills[2]") << unit;
    EXPECT_NE(status.error_message().find("at most 60 characters"), std::string::npos)
        << status.error_message();
  }
}

TEST_F(DispatchServicePgTest, AProfileIsDeletedUnlessWorkIsOpen) {
  const std::string worker = NewAccount({"worker"});
  const std::string courier = NewAccount({"courier"});
  ASSERT_TRUE(PutWorker(worker, "王师傅").ok());
  ASSERT_TRUE(PutWorker(courier, "李师傅", Staff::COURIER).ok());
  ASSERT_TRUE(pool_
                  ->Transact([&](pqxx::work& txn) {
                    txn.exec_params(
                        "INSERT INTO delivery_stops (tenant_id, order_id, number, state, "
                        "  customer_id, demand, courier_id, sequence) "
                        "VALUES ($1, 'o-1', 'DO-20260101-0001', 'ASSIGNED', 'c-1', 1, $2, 1)",
                        tenant_, courier);
                    txn.exec_params(
                        "INSERT INTO assignments (tenant_id, work_order_id, outside_areas, "
                        "  number, worker_id) VALUES ($1, 'wo-1', true, 'WO-20260101-0001', $2)",
                        tenant_, worker);
                    return absl::OkStatus();
                  })
                  .ok());
  auto remove = [&](const std::string& id, const std::string& tenant = "") {
    v1::DeleteStaffRequest request;
    request.set_user_id(id);
    v1::DeleteStaffResponse response;
    return staff_stub_->DeleteStaff(As({"dispatcher"}, tenant).get(), request, &response);
  };
  grpc::Status busy = remove(courier);
  EXPECT_EQ(busy.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(FromGrpcStatus(busy)), "userId");
  EXPECT_NE(busy.error_message().find("1 open stops on the route (DO-20260101-0001)"),
            std::string::npos)
      << busy.error_message();
  busy = remove(worker);
  EXPECT_EQ(busy.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(busy.error_message().find("WO-20260101-0001"), std::string::npos)
      << busy.error_message();
  // Another tenant's dispatcher finds no such profile.
  EXPECT_EQ(remove(worker, tenant_ + "-other").error_code(), grpc::StatusCode::NOT_FOUND);

  // Work done: the profiles go.
  ASSERT_TRUE(pool_
                  ->Transact([&](pqxx::work& txn) {
                    txn.exec_params(
                        "UPDATE delivery_stops SET state = 'DELIVERED' "
                        "WHERE tenant_id = $1",
                        tenant_);
                    txn.exec_params("UPDATE assignments SET finished = true WHERE tenant_id = $1",
                                    tenant_);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(remove(courier).ok());
  grpc::Status deleted = remove(worker);
  ASSERT_TRUE(deleted.ok()) << deleted.error_message();
  EXPECT_EQ(remove(worker).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListStaffResponse listed;
  ASSERT_TRUE(staff_stub_->ListStaff(As({"dispatcher"}).get(), {}, &listed).ok());
  EXPECT_EQ(listed.staff_size(), 0);
  v1::DeleteStaffRequest request;
  request.set_user_id(worker);
  v1::DeleteStaffResponse response;
  EXPECT_EQ(staff_stub_->DeleteStaff(As({"worker"}).get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DispatchServicePgTest, TeamLeadersAndMembersMustBeTheTenantsStaff) {
  const std::string leader = NewAccount({"leader"});
  const std::string worker = NewAccount({"worker"});
  const std::string courier = NewAccount({"courier"});
  const std::string foreign_leader = NewAccount({"leader"}, "", false, tenant_ + "-other");
  auto create = [&](const std::string& leader_id, std::vector<std::string> members) {
    v1::CreateTeamRequest request;
    request.mutable_team()->set_name("城东区维修组");
    request.mutable_team()->set_leader_id(leader_id);
    for (const auto& m : members) request.mutable_team()->add_member_ids(m);
    v1::Team team;
    return stub_->CreateTeam(As({"dispatcher"}).get(), request, &team);
  };
  grpc::Status status = create(foreign_leader, {worker});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "team.leaderId") << status.error_message();
  EXPECT_EQ(FieldOf(FromGrpcStatus(create(worker, {worker}))), "team.leaderId");
  EXPECT_EQ(FieldOf(FromGrpcStatus(create("u-leader", {}))), "team.leaderId");
  status = create(leader, {worker, courier});
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "team.memberIds[1]") << status.error_message();
  people_->SetDown(true);
  EXPECT_EQ(create(leader, {worker}).error_code(), grpc::StatusCode::UNAVAILABLE);
  people_->SetDown(false);
  status = create(leader, {worker});
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(DispatchServicePgTest, ATeamIsChangedAndTheDefaultMoves) {
  const std::string leader = NewAccount({"leader"});
  const std::string dispatcher = NewAccount({"dispatcher"});
  v1::CreateTeamRequest create;
  create.mutable_team()->set_name("调度中心");
  create.mutable_team()->set_is_default(true);
  v1::Team desk;
  ASSERT_TRUE(stub_->CreateTeam(As({"dispatcher"}).get(), create, &desk).ok());
  v1::Team repairs = CreateTeamOverApi("维修组");

  v1::UpdateTeamRequest update;
  update.mutable_team()->set_id(repairs.id());
  update.mutable_team()->set_name(Repeat("修", 64));
  update.mutable_team()->set_leader_id(leader);
  update.mutable_team()->set_is_default(true);
  v1::Team updated;
  grpc::Status status = stub_->UpdateTeam(As({"dispatcher"}).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.name(), Repeat("修", 64));
  EXPECT_EQ(updated.leader_id(), leader);
  EXPECT_TRUE(updated.is_default());
  v1::ListTeamsResponse teams;
  ASSERT_TRUE(stub_->ListTeams(As({"dispatcher"}).get(), {}, &teams).ok());
  ASSERT_EQ(teams.teams_size(), 2);
  for (const auto& t : teams.teams()) EXPECT_EQ(t.is_default(), t.id() == repairs.id()) << t.name();
  // Work orders outside every area now go to the new default.
  ASSERT_TRUE(Route("wo-nowhere", std::nullopt).ok());
  ASSERT_EQ(AssignedEvents().size(), 1u);
  EXPECT_EQ(AssignedEvents()[0].team_id(), repairs.id());

  // A dispatcher may lead (the desk team is led by one).
  update.mutable_team()->set_leader_id(dispatcher);
  EXPECT_TRUE(stub_->UpdateTeam(As({"dispatcher"}).get(), update, &updated).ok());
  update.mutable_team()->set_name(Repeat("修", 65));
  status = stub_->UpdateTeam(As({"dispatcher"}).get(), update, &updated);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "team.name");
  EXPECT_NE(status.error_message().find("at most 64 characters"), std::string::npos);
  update.mutable_team()->set_name("调度中心");
  status = stub_->UpdateTeam(As({"dispatcher"}).get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "team.name");
  update.mutable_team()->set_name("维修组");
  EXPECT_EQ(stub_->UpdateTeam(As({"dispatcher"}, tenant_ + "-other").get(), update, &updated)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->UpdateTeam(As({"worker"}).get(), update, &updated).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  update.mutable_team()->set_id("not-a-team");
  status = stub_->UpdateTeam(As({"dispatcher"}).get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "team.id");
  // Clearing the default leaves the tenant without one.
  update.mutable_team()->set_id(repairs.id());
  update.mutable_team()->set_is_default(false);
  ASSERT_TRUE(stub_->UpdateTeam(As({"dispatcher"}).get(), update, &updated).ok());
  ASSERT_TRUE(stub_->ListTeams(As({"dispatcher"}).get(), {}, &teams).ok());
  for (const auto& t : teams.teams()) EXPECT_FALSE(t.is_default()) << t.name();
}

TEST_F(DispatchServicePgTest, ATeamIsDeletedOnlyWhenNoAreaOrDefaultNeedsIt) {
  const std::string worker = NewAccount({"worker"});
  v1::Team team = CreateTeamOverApi("城东区维修组");
  v1::Area area;
  ASSERT_TRUE(
      stub_
          ->CreateArea(As({"dispatcher"}).get(), AreaRequest("城东区", team.id(), kEastRing), &area)
          .ok());
  v1::PutStaffRequest put;
  put.mutable_staff()->set_user_id(worker);
  put.mutable_staff()->set_kind(Staff::WORKER);
  put.mutable_staff()->set_team_id(team.id());
  v1::Staff staff;
  ASSERT_TRUE(staff_stub_->PutStaff(As({"dispatcher"}).get(), put, &staff).ok());
  ASSERT_TRUE(Route("wo-east", GeoPoint{31.25, 121.55}).ok());

  auto remove = [&](const std::string& id, const std::string& tenant = "") {
    v1::DeleteTeamRequest request;
    request.set_id(id);
    v1::DeleteTeamResponse response;
    return stub_->DeleteTeam(As({"dispatcher"}, tenant).get(), request, &response);
  };
  grpc::Status status = remove(team.id());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "id");
  EXPECT_NE(status.error_message().find("城东区"), std::string::npos) << status.error_message();
  EXPECT_EQ(remove(team.id(), tenant_ + "-other").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(remove("not-a-team").error_code(), grpc::StatusCode::NOT_FOUND);

  v1::DeleteAreaRequest delete_area;
  delete_area.set_id(area.id());
  v1::DeleteAreaResponse deleted_area;
  ASSERT_TRUE(stub_->DeleteArea(As({"dispatcher"}).get(), delete_area, &deleted_area).ok());
  status = remove(team.id());
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(remove(team.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListTeamsResponse teams;
  ASSERT_TRUE(stub_->ListTeams(As({"dispatcher"}).get(), {}, &teams).ok());
  EXPECT_EQ(teams.teams_size(), 0);
  // The work order keeps its team in its history; the profile has no team now; the name
  // is free again; the team takes no new area or profile.
  auto routed = store().GetAssignment(tenant_, "wo-east");
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->team_id, team.id());
  v1::GetStaffRequest get;
  get.set_user_id(worker);
  ASSERT_TRUE(staff_stub_->GetStaff(As({"dispatcher"}).get(), get, &staff).ok());
  EXPECT_EQ(staff.team_id(), "");
  EXPECT_EQ(
      stub_
          ->CreateArea(As({"dispatcher"}).get(), AreaRequest("城东区", team.id(), kEastRing), &area)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FieldOf(FromGrpcStatus(staff_stub_->PutStaff(As({"dispatcher"}).get(), put, &staff))),
            "teamId");
  CreateTeamOverApi("城东区维修组");

  // The default team stays until another is the default.
  v1::CreateTeamRequest create;
  create.mutable_team()->set_name("调度中心");
  create.mutable_team()->set_is_default(true);
  v1::Team desk;
  ASSERT_TRUE(stub_->CreateTeam(As({"dispatcher"}).get(), create, &desk).ok());
  status = remove(desk.id());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("default"), std::string::npos) << status.error_message();
}

TEST_F(DispatchServicePgTest, ARejectReasonIsLimitedInCharacters) {
  v1::RejectWorkOrderOfferRequest request;
  request.set_work_order_id("wo-none");
  request.set_reason(Repeat("远", 501));
  v1::Assignment assignment;
  grpc::Status status = stub_->RejectWorkOrderOffer(As({"worker"}).get(), request, &assignment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(FromGrpcStatus(status)), "reason");
  EXPECT_NE(status.error_message().find("at most 500 characters"), std::string::npos)
      << status.error_message();
  // 500 Chinese characters (1,500 bytes) pass the check: what stops it is the missing offer.
  request.set_reason(Repeat("远", 500));
  status = stub_->RejectWorkOrderOffer(As({"worker"}).get(), request, &assignment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
}

}  // namespace
}  // namespace qq::dispatch
