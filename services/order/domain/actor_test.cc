#include "services/order/domain/actor.h"

#include <gtest/gtest.h>

namespace qq::order {
namespace {

TEST(ShownActorName, PeopleByNameAndTheSystemByWhatItIs) {
  EXPECT_EQ(ShownActorName("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11", "王师傅"), "王师傅");
  EXPECT_EQ(ShownActorName("system:dispatch", ""), "系统派单");
  EXPECT_EQ(ShownActorName("system:sla", ""), "时限监控");
  EXPECT_EQ(ShownActorName("system:order", ""), "系统");
  // Steps recorded before names were kept show the id.
  EXPECT_EQ(ShownActorName("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11", ""),
            "6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11");
}

TEST(Actor, AnIdAloneIsAnActor) {
  Actor system = "system:order";
  EXPECT_EQ(system.id, "system:order");
  EXPECT_TRUE(system.name.empty());
  Actor person{"u-1", "客服小刘"};
  EXPECT_EQ(person.name, "客服小刘");
}

}  // namespace
}  // namespace qq::order
