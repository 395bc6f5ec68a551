// qq-bench-rules: how fast the rule engine sweeps subjects. Compiles the four seed rules,
// builds 100,000 varied subjects (a work order with its customer, so every rule has its
// facts), and evaluates every rule on every subject on one thread for 2 s (0.3 s with
// --quick). Prints one line: BENCH rule_evals_per_s <value> evals/s. Needs nothing running.
//   ./deploy/dev bench rules [--quick]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "services/notification/domain/rules/rule_templates.h"

namespace {

using qq::notification::rules::CompiledRule;
using qq::notification::rules::FactId;
using qq::notification::rules::Facts;

constexpr int kSubjects = 100'000;

std::vector<Facts> MakeSubjects(int count) {
  std::mt19937_64 rng(20261208);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* statuses[] = {"ACTIVE", "SILENT", "CHURNED"};
  const char* tags[] = {"VIP", "待关怀🎂", "企业", "老客户", "学校"};
  const char* products[] = {"18.9L", "11.3L", "18.9L桶装水", "矿泉水24瓶"};
  const char* states[] = {"CREATED", "DISPATCHED", "ACCEPTED", "ARRIVED", "RESOLVED", "CLOSED"};
  const char* types[] = {"REPAIR", "WATER_CHANGE", "DISPENSER_REPAIR", "COMPLAINT"};
  const char* urgencies[] = {"NORMAL", "URGENT", "CRITICAL"};
  std::vector<Facts> subjects(count);
  for (Facts& f : subjects) {
    f.SetEnum(FactId::kCustomerStatus, statuses[pick(3)]);
    std::vector<std::string> own_tags;
    for (const char* tag : tags) {
      if (pick(4) == 0) own_tags.push_back(tag);
    }
    f.SetList(FactId::kCustomerTags, std::move(own_tags));
    f.SetString(FactId::kCustomerAreaId, "area-" + std::to_string(pick(20)));
    f.SetInt(FactId::kCustomerTicketBalance, 0);
    for (const char* product : products) {
      if (pick(2) == 0) f.AddTicketBalance(product, pick(12));
    }
    if (pick(10) != 0) f.SetInt(FactId::kCustomerDaysSinceLastOrder, pick(90));
    f.SetBool(FactId::kCustomerBirthdayToday, pick(365) == 0);
    f.SetInt(FactId::kCustomerDaysSinceCreated, pick(2000));
    f.SetEnum(FactId::kWorkOrderType, types[pick(4)]);
    f.SetEnum(FactId::kWorkOrderUrgency, urgencies[pick(3)]);
    f.SetString(FactId::kWorkOrderState, states[pick(6)]);
    f.SetInt(FactId::kWorkOrderMinutesSinceCreated, pick(3000));
    f.SetInt(FactId::kWorkOrderMinutesSinceLastStep, pick(600));
  }
  return subjects;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      seconds = 0.3;
    } else {
      std::fprintf(stderr, "usage: qq-bench-rules [--quick]\n");
      return 2;
    }
  }

  std::vector<CompiledRule> rules;
  for (const auto& t : qq::notification::rules::RuleTemplates()) {
    auto instantiated = qq::notification::rules::InstantiateRuleTemplate(t.id, "{}");
    if (!instantiated.ok()) {
      std::fprintf(stderr, "template %s: %s\n", t.id.c_str(),
                   std::string(instantiated.status().message()).c_str());
      return 1;
    }
    rules.emplace_back(std::move(instantiated->rule));
  }
  const std::vector<Facts> subjects = MakeSubjects(kSubjects);

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto budget = std::chrono::duration<double>(seconds);
  uint64_t evaluations = 0, matches = 0;
  std::chrono::duration<double> elapsed{};
  do {
    // One sweep: every rule over every subject, as a scheduled run would.
    for (const Facts& facts : subjects) {
      for (const CompiledRule& rule : rules) matches += rule.condition.Matches(facts) ? 1 : 0;
    }
    evaluations += static_cast<uint64_t>(subjects.size() * rules.size());
    elapsed = Clock::now() - start;
  } while (elapsed < budget);

  // The matches feed the exit code so the loop cannot be optimised away.
  std::printf("BENCH rule_evals_per_s %.0f evals/s\n",
              static_cast<double>(evaluations) / elapsed.count());
  return matches == 0 ? 1 : 0;
}
