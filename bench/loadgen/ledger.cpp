#include "ledger.hpp"

#include <set>

namespace doorbuster::loadgen {

void ledger::merge(const ledger& other) {
  orders.insert(orders.end(), other.orders.begin(), other.orders.end());
  replays += other.replays;
  replay_mismatches += other.replay_mismatches;
}

std::vector<std::string> check_invariants(
  const ledger& l, const std::map<std::string, int64_t>& initial,
  const std::map<std::string, int64_t>& stock_now) {
  std::vector<std::string> failures;
  std::set<uint64_t> ids;
  std::map<std::string, int64_t> sold;
  for (const auto& o : l.orders) {
    if (!ids.insert(o.order_id).second)
      failures.push_back("order id " + std::to_string(o.order_id)
                         + " was given for two different requests");
    sold[o.sku] += o.quantity;
  }
  if (l.replay_mismatches > 0)
    failures.push_back(std::to_string(l.replay_mismatches)
                       + " retried Idempotency-Keys got another order");
  for (const auto& [sku, start] : initial) {
    auto now = stock_now.find(sku);
    if (now == stock_now.end()) {
      failures.push_back(sku + ": stock could not be read back");
      continue;
    }
    auto s = sold.count(sku) ? sold.at(sku) : 0;
    if (s + now->second != start)
      failures.push_back(sku + ": sold " + std::to_string(s) + " + stock "
                         + std::to_string(now->second) + " != initial "
                         + std::to_string(start));
  }
  return failures;
}

} // namespace doorbuster::loadgen
