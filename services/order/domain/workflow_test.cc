#include "services/order/domain/workflow.h"

#include <gmock/gmock.h>

#include <gtest/gtest.h>
#include <map>

#include "services/common/status.h"

namespace qq::order {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Identity As(std::string user, std::vector<std::string> roles) {
  return Identity{"utility-demo", std::move(user), "", std::move(roles)};
}

TEST(DefaultWorkflow, EveryKindShipsAValidDefault) {
  for (const auto& kind : WorkflowKinds()) {
    Workflow wf = DefaultWorkflow(kind);
    EXPECT_EQ(wf.kind(), kind);
    EXPECT_EQ(wf.version(), 0);
    EXPECT_TRUE(ValidateWorkflow(wf).ok()) << kind << ": " << ValidateWorkflow(wf);
  }
  EXPECT_EQ(WorkflowKinds().size(), 8u);  // seven work-order types and DELIVERY
}

TEST(CheckTransition, RepairNeedsAResultAndAPhotoToResolve) {
  Workflow repair = DefaultWorkflow("REPAIR");
  Identity worker = As("w1", {"worker"});
  OrderPosition accepted{"ACCEPTED", "w1"};
  auto no_result = CheckTransition(repair, accepted, "resolve", worker, {});
  EXPECT_EQ(no_result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(no_result.status()), "result");
  auto no_photo = CheckTransition(repair, accepted, "resolve", worker, {.result = "换了阀门"});
  EXPECT_EQ(FieldOf(no_photo.status()), "attachmentIds");
  EXPECT_THAT(no_photo.status().message(), HasSubstr("1 photo"));
  auto ok = CheckTransition(repair, accepted, "resolve", worker,
                            {.result = "换了阀门", .attachment_count = 1});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)->to(), "RESOLVED");
  EXPECT_TRUE((*ok)->resolves());
  EXPECT_EQ(TransitionEventType(repair, **ok), "workorder.resolved");
}

TEST(CheckTransition, AComplaintResolvesWithoutPhotos) {
  Workflow complaint = DefaultWorkflow("COMPLAINT");
  auto ok = CheckTransition(complaint, {"ACCEPTED", "a1"}, "resolve", As("a1", {"agent"}),
                            {.result = "已道歉并减免"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)->to(), "RESOLVED");
}

TEST(CheckTransition, IllegalStepNamesTheStateAndTheAllowedOnes) {
  Workflow repair = DefaultWorkflow("REPAIR");
  auto step = CheckTransition(repair, {"CREATED", ""}, "resolve", As("w1", {"worker"}),
                              {.result = "x", .attachment_count = 1});
  EXPECT_EQ(step.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(step.status().message(), HasSubstr("from state CREATED"));
  EXPECT_THAT(step.status().message(), HasSubstr("allowed: dispatch, assign, cancel"));
  auto unknown = CheckTransition(repair, {"CREATED", ""}, "teleport", As("w1", {"worker"}), {});
  EXPECT_THAT(unknown.status().message(), HasSubstr("no transition \"teleport\""));
  EXPECT_EQ(FieldOf(unknown.status()), "transition");
}

TEST(CheckTransition, RolesAndAssigneeAreEnforced) {
  Workflow repair = DefaultWorkflow("REPAIR");
  auto courier = CheckTransition(repair, {"DISPATCHED", ""}, "accept", As("c1", {"courier"}), {});
  EXPECT_EQ(courier.status().code(), absl::StatusCode::kPermissionDenied);
  // Assigned to w2: w1 may not take it, the leader may, and so may w2.
  OrderPosition for_w2{"DISPATCHED", "w2"};
  EXPECT_EQ(CheckTransition(repair, for_w2, "accept", As("w1", {"worker"}), {}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckTransition(repair, for_w2, "accept", As("w2", {"worker"}), {}).ok());
  EXPECT_TRUE(CheckTransition(repair, for_w2, "accept", As("l1", {"leader"}), {}).ok());
  // Internal services and admins pass role checks.
  EXPECT_TRUE(
      CheckTransition(repair, {"CREATED", ""}, "dispatch", As("system:dispatch", {"service"}), {})
          .ok());
}

TEST(CheckTransition, DeliveryNamesTheCourierField) {
  Workflow delivery = DefaultWorkflow(kDeliveryKind);
  auto step = CheckTransition(delivery, {"PENDING", ""}, "assign", As("d1", {"dispatcher"}),
                              {.assignee_field = "courierId"});
  EXPECT_EQ(FieldOf(step.status()), "courierId");
  auto deliver =
      CheckTransition(delivery, {"DELIVERING", "c1"}, "deliver", As("c1", {"courier"}), {});
  ASSERT_TRUE(deliver.ok()) << deliver.status();
  EXPECT_EQ(TransitionEventType(delivery, **deliver), "order.delivered");
  // Only the courier on the order says they are at the door.
  auto arrive =
      CheckTransition(delivery, {"DELIVERING", "c1"}, "arrive", As("c1", {"courier"}), {});
  ASSERT_TRUE(arrive.ok()) << arrive.status();
  EXPECT_EQ(TransitionEventType(delivery, **arrive), "order.arrived");
  EXPECT_EQ(CheckTransition(delivery, {"DELIVERING", "c1"}, "arrive", As("c2", {"courier"}), {})
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto cancel = CheckTransition(delivery, {"DELIVERED", "c1"}, "cancel", As("a1", {"agent"}),
                                {.comment = "客户退货"});
  EXPECT_EQ(cancel.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(cancel.status().message(), HasSubstr("allowed: revoke"));
}

TEST(TransitionsFrom, ListsInDefinitionOrder) {
  EXPECT_THAT(TransitionsFrom(DefaultWorkflow(kDeliveryKind), "ASSIGNED"),
              ElementsAre("assign", "start", "arrive", "deliver", "fail", "cancel"));
  EXPECT_THAT(TransitionsFrom(DefaultWorkflow(kDeliveryKind), "ARRIVED"),
              ElementsAre("deliver", "fail", "cancel"));
  EXPECT_TRUE(TransitionsFrom(DefaultWorkflow(kDeliveryKind), "CANCELLED").empty());
}

TEST(ValidateWorkflow, RejectsBrokenDefinitionsWithTheFieldPath) {
  Workflow wf = DefaultWorkflow("REPAIR");
  wf.mutable_transitions(2)->set_to("NOWHERE");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "transitions[2].to");

  wf = DefaultWorkflow("REPAIR");
  wf.mutable_states(1)->set_name("CREATED");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "states[1].name");

  wf = DefaultWorkflow("REPAIR");
  wf.set_initial_state("CANCELLED");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "initialState");

  wf = DefaultWorkflow("REPAIR");
  wf.mutable_transitions(0)->add_roles("janitor");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "transitions[0].roles[2]");

  wf = DefaultWorkflow("REPAIR");
  wf.mutable_transitions(0)->add_required_fields("signature");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "transitions[0].requiredFields[0]");

  wf = DefaultWorkflow("REPAIR");
  wf.mutable_transitions(0)->add_from("CANCELLED");  // terminal states are left by nothing
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "transitions[0].from[1]");

  wf = DefaultWorkflow("REPAIR");
  auto* island = wf.add_states();
  island->set_name("LIMBO");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "states[8]");
  EXPECT_THAT(ValidateWorkflow(wf).message(), HasSubstr("cannot be reached"));

  wf = DefaultWorkflow("REPAIR");
  wf.set_kind("PIZZA");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "kind");

  wf = DefaultWorkflow("REPAIR");
  wf.mutable_transitions(0)->set_event("Not An Event");
  EXPECT_EQ(FieldOf(ValidateWorkflow(wf)), "transitions[0].event");
}

TEST(ValidateWorkflow, AcceptsATenantsExtraApprovalStep) {
  Workflow wf = DefaultWorkflow("COMPLAINT");
  auto* review = wf.add_states();
  review->set_name("PENDING_REVIEW");
  review->set_label("待主管审核");
  for (auto& t : *wf.mutable_transitions()) {
    if (t.name() == "resolve") t.set_to("PENDING_REVIEW");
  }
  auto* approve = wf.add_transitions();
  approve->set_name("approve");
  approve->add_from("PENDING_REVIEW");
  approve->set_to("RESOLVED");
  approve->add_roles("manager");
  EXPECT_TRUE(ValidateWorkflow(wf).ok()) << ValidateWorkflow(wf);
  auto by_agent = CheckTransition(wf, {"PENDING_REVIEW", "a1"}, "approve", As("a1", {"agent"}), {});
  EXPECT_EQ(by_agent.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      CheckTransition(wf, {"PENDING_REVIEW", "a1"}, "approve", As("m1", {"manager"}), {}).ok());
}

TEST(IsBeforeSetOut, InitialStateAndWhereAssigningLeads) {
  const Workflow delivery = DefaultWorkflow(kDeliveryKind);
  EXPECT_TRUE(IsBeforeSetOut(delivery, "PENDING"));
  EXPECT_TRUE(IsBeforeSetOut(delivery, "ASSIGNED"));
  EXPECT_FALSE(IsBeforeSetOut(delivery, "DELIVERING"));
  EXPECT_FALSE(IsBeforeSetOut(delivery, "DELIVERED"));
  EXPECT_FALSE(IsBeforeSetOut(delivery, "CANCELLED"));
}

}  // namespace
}  // namespace qq::order

namespace qq::order {
namespace {

// Notification and analytics act on what a step means; a tenant may rename its steps.
TEST(StepKindOf, ShippedStepsHaveTheirMeaning) {
  namespace c = qingquan::common::v1;
  std::map<std::string, c::StepKind> repair, delivery;
  const auto repair_flow = DefaultWorkflow("REPAIR");
  const auto delivery_flow = DefaultWorkflow("DELIVERY");
  for (const auto& t : repair_flow.transitions()) repair[t.name()] = StepKindOf(repair_flow, t);
  for (const auto& t : delivery_flow.transitions())
    delivery[t.name()] = StepKindOf(delivery_flow, t);
  EXPECT_EQ(repair["dispatch"], c::STEP_DISPATCHED);
  EXPECT_EQ(repair["accept"], c::STEP_ACCEPTED);
  EXPECT_EQ(repair["arrive"], c::STEP_ARRIVED);
  EXPECT_EQ(repair["resolve"], c::STEP_RESOLVED);
  EXPECT_EQ(repair["close"], c::STEP_CLOSED);
  EXPECT_EQ(repair["reopen"], c::STEP_REOPENED);
  EXPECT_EQ(repair["cancel"], c::STEP_CANCELLED);
  EXPECT_EQ(repair["wait_customer"], c::STEP_KIND_UNSPECIFIED);
  EXPECT_EQ(delivery["assign"], c::STEP_ASSIGNED);
  EXPECT_EQ(delivery["start"], c::STEP_DEPARTED);
  EXPECT_EQ(delivery["deliver"], c::STEP_DELIVERED);
  EXPECT_EQ(delivery["fail"], c::STEP_FAILED);
}

TEST(StepKindOf, RenamedStepsKeepTheirMeaningByFlagOrDeclaredKind) {
  namespace c = qingquan::common::v1;
  const auto repair_flow = DefaultWorkflow("REPAIR");
  const auto delivery_flow = DefaultWorkflow("DELIVERY");
  qingquan::order::v1::WorkflowTransition t;
  t.set_name("wan_gong");  // 完工: a tenant's own name for resolving
  t.set_resolves(true);
  EXPECT_EQ(StepKindOf(repair_flow, t), c::STEP_RESOLVED);
  EXPECT_EQ(StepKindOf(delivery_flow, t), c::STEP_DELIVERED);  // a delivery's resolution
  qingquan::order::v1::WorkflowTransition depart;
  depart.set_name("chu_fa");
  EXPECT_EQ(StepKindOf(repair_flow, depart), c::STEP_KIND_UNSPECIFIED);
  depart.set_kind(c::STEP_DEPARTED);
  EXPECT_EQ(StepKindOf(repair_flow, depart), c::STEP_DEPARTED);
  // A declared kind wins over the shipped name.
  qingquan::order::v1::WorkflowTransition close;
  close.set_name("close");
  close.set_kind(c::STEP_RESOLVED);
  EXPECT_EQ(StepKindOf(repair_flow, close), c::STEP_RESOLVED);
}

}  // namespace
}  // namespace qq::order
