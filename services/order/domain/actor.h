// Who did something to an order, as the order service records it: the user id (or
// "system:<what>") for joins and checks, and the name people know them by for timelines.
#pragma once

#include <string>
#include <utility>

namespace qq::order {

struct Actor {
  // Implicit, so "system:order" or a user id alone still reads as an actor (its name is
  // then filled in when shown: ShownActorName).
  Actor(std::string actor_id, std::string actor_name = "")
      : id(std::move(actor_id)), name(std::move(actor_name)) {}
  Actor(const char* actor_id) : id(actor_id) {}

  std::string id;
  std::string name;
};

// The name a timeline shows for `actor_id`: the stored name, else a label for the system's
// own steps (系统派单, 时限监控 …), else the id itself.
std::string ShownActorName(const std::string& actor_id, const std::string& stored_name);

}  // namespace qq::order
