// gRPC handlers of the dispatch service: teams, service areas and where work orders
// went. Handlers validate, call the domain and the store, and map the result.
#pragma once

#include "qingquan/dispatch/v1/dispatch.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/outbox.h"
#include "services/dispatch/board_store.h"
#include "services/dispatch/dispatch_store.h"
#include "services/dispatch/staff_directory.h"
#include "services/dispatch/worker_offers.h"

namespace qq::dispatch {

class DispatchServiceImpl final : public qingquan::dispatch::v1::DispatchService::CallbackService {
 public:
  // `people` checks team leaders and members with the customer service.
  DispatchServiceImpl(CallGuard& guard, DispatchStore& store, WorkerOfferStore& offers,
                      StaffDirectory& people, OutboxRelay* relay = nullptr)
      : guard_(guard),
        store_(store),
        offers_(offers),
        people_(people),
        relay_(relay),
        board_(store.pool()) {}

  // Roles admin, dispatcher. Leader and members checked as in UpdateTeam.
  grpc::ServerUnaryReactor* CreateTeam(grpc::CallbackServerContext* ctx,
                                       const qingquan::dispatch::v1::CreateTeamRequest* request,
                                       qingquan::dispatch::v1::Team* response) override;
  // Roles admin, dispatcher. Leader and members must be fitting staff of the tenant
  // (INVALID_ARGUMENT naming "team.leaderId" / "team.memberIds[i]"; UNAVAILABLE when the
  // customer service cannot say).
  grpc::ServerUnaryReactor* UpdateTeam(grpc::CallbackServerContext* ctx,
                                       const qingquan::dispatch::v1::UpdateTeamRequest* request,
                                       qingquan::dispatch::v1::Team* response) override;
  // Roles admin, dispatcher.
  grpc::ServerUnaryReactor* DeleteTeam(
      grpc::CallbackServerContext* ctx, const qingquan::dispatch::v1::DeleteTeamRequest* request,
      qingquan::dispatch::v1::DeleteTeamResponse* response) override;
  // Staff roles.
  grpc::ServerUnaryReactor* ListTeams(grpc::CallbackServerContext* ctx,
                                      const qingquan::dispatch::v1::ListTeamsRequest* request,
                                      qingquan::dispatch::v1::ListTeamsResponse* response) override;
  // Roles admin, dispatcher.
  grpc::ServerUnaryReactor* CreateArea(grpc::CallbackServerContext* ctx,
                                       const qingquan::dispatch::v1::CreateAreaRequest* request,
                                       qingquan::dispatch::v1::Area* response) override;
  // Role dispatcher.
  grpc::ServerUnaryReactor* UpdateArea(grpc::CallbackServerContext* ctx,
                                       const qingquan::dispatch::v1::UpdateAreaRequest* request,
                                       qingquan::dispatch::v1::Area* response) override;
  grpc::ServerUnaryReactor* DeleteArea(
      grpc::CallbackServerContext* ctx, const qingquan::dispatch::v1::DeleteAreaRequest* request,
      qingquan::dispatch::v1::DeleteAreaResponse* response) override;
  // Staff roles.
  grpc::ServerUnaryReactor* ListAreas(grpc::CallbackServerContext* ctx,
                                      const qingquan::dispatch::v1::ListAreasRequest* request,
                                      qingquan::dispatch::v1::ListAreasResponse* response) override;
  // Staff roles and services. The answer carries no boundary (ListAreas has them).
  grpc::ServerUnaryReactor* ResolveArea(grpc::CallbackServerContext* ctx,
                                        const qingquan::dispatch::v1::ResolveAreaRequest* request,
                                        qingquan::dispatch::v1::Area* response) override;
  // Staff roles.
  grpc::ServerUnaryReactor* GetAssignment(
      grpc::CallbackServerContext* ctx, const qingquan::dispatch::v1::GetAssignmentRequest* request,
      qingquan::dispatch::v1::Assignment* response) override;
  // Role worker (the one offered).
  grpc::ServerUnaryReactor* RejectWorkOrderOffer(
      grpc::CallbackServerContext* ctx,
      const qingquan::dispatch::v1::RejectWorkOrderOfferRequest* request,
      qingquan::dispatch::v1::Assignment* response) override;
  // Staff roles.
  grpc::ServerUnaryReactor* GetDispatchSettings(
      grpc::CallbackServerContext* ctx,
      const qingquan::dispatch::v1::GetDispatchSettingsRequest* request,
      DispatchSettings* response) override;
  // Roles admin, manager.
  grpc::ServerUnaryReactor* UpdateDispatchSettings(
      grpc::CallbackServerContext* ctx,
      const qingquan::dispatch::v1::UpdateDispatchSettingsRequest* request,
      DispatchSettings* response) override;
  // Roles admin, manager, dispatcher, leader.
  grpc::ServerUnaryReactor* GetDispatchBoard(
      grpc::CallbackServerContext* ctx,
      const qingquan::dispatch::v1::GetDispatchBoardRequest* request,
      qingquan::dispatch::v1::DispatchBoard* response) override;

 private:
  // The routing with every offer made.
  absl::Status FillAssignment(const std::string& tenant, const std::string& work_order_id,
                              qingquan::dispatch::v1::Assignment* response);

  CallGuard& guard_;
  DispatchStore& store_;
  WorkerOfferStore& offers_;
  StaffDirectory& people_;
  OutboxRelay* relay_;
  BoardStore board_;
};

}  // namespace qq::dispatch
