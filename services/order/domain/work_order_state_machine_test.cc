#include "services/order/domain/work_order_state_machine.h"

#include <gtest/gtest.h>

namespace qq::order {
namespace {

using qingquan::order::v1::WorkOrder;

Identity As(const char* role) { return Identity{"t", "u", role, {role}}; }

TEST(WorkOrderStateMachine, WalksTheRepairProcess) {
  EXPECT_EQ(
      *WorkOrderStateMachine::Next(WorkOrder::CREATED, WorkOrderAction::kDispatch, As("service")),
      WorkOrder::DISPATCHED);
  EXPECT_EQ(
      *WorkOrderStateMachine::Next(WorkOrder::DISPATCHED, WorkOrderAction::kAccept, As("worker")),
      WorkOrder::ACCEPTED);
  EXPECT_EQ(
      *WorkOrderStateMachine::Next(WorkOrder::ACCEPTED, WorkOrderAction::kResolve, As("worker")),
      WorkOrder::RESOLVED);
  EXPECT_EQ(*WorkOrderStateMachine::Next(WorkOrder::RESOLVED, WorkOrderAction::kClose, As("agent")),
            WorkOrder::CLOSED);
}

TEST(WorkOrderStateMachine, IllegalStepNamesCurrentAndAllowedStates) {
  auto resolved_early =
      WorkOrderStateMachine::Next(WorkOrder::CREATED, WorkOrderAction::kResolve, As("worker"));
  ASSERT_EQ(resolved_early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(resolved_early.status().message().find("state CREATED"), absl::string_view::npos);
  EXPECT_NE(resolved_early.status().message().find("allowed from: ACCEPTED"),
            absl::string_view::npos);
}

TEST(WorkOrderStateMachine, WrongRoleIsDenied) {
  auto agent_accepts =
      WorkOrderStateMachine::Next(WorkOrder::DISPATCHED, WorkOrderAction::kAccept, As("agent"));
  EXPECT_EQ(agent_accepts.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      WorkOrderStateMachine::Next(WorkOrder::DISPATCHED, WorkOrderAction::kAccept, As("admin"))
          .ok());
}

TEST(WorkOrderStateMachine, FinishedOrdersAllowNothing) {
  EXPECT_TRUE(WorkOrderStateMachine::ActionsFrom(WorkOrder::CLOSED).empty());
  EXPECT_TRUE(WorkOrderStateMachine::ActionsFrom(WorkOrder::CANCELLED).empty());
  EXPECT_EQ(WorkOrderStateMachine::ActionsFrom(WorkOrder::DISPATCHED).size(), 2u);
}

}  // namespace
}  // namespace qq::order
