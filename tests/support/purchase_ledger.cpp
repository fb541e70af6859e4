#include "support/purchase_ledger.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <memory>
#include <set>
#include <thread>

namespace doorbuster::testing {

purchase_ledger::purchase_ledger(std::vector<uint16_t> ports,
                                 std::vector<std::string> skus, size_t threads)
  : ports_(std::move(ports)), skus_(std::move(skus)) {
  for (size_t t = 0; t < threads; ++t)
    threads_.emplace_back([this, t] { buy(t); });
}

purchase_ledger::~purchase_ledger() {
  stop();
}

void purchase_ledger::stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
}

void purchase_ledger::buy(size_t thread) {
  std::vector<std::unique_ptr<http_client>> clients;
  for (auto port : ports_)
    clients.push_back(std::make_unique<http_client>(port));
  std::set<std::string> sold_out;
  for (size_t n = 0; !stop_ && sold_out.size() < skus_.size(); ++n) {
    const auto& sku = skus_[(n + thread) % skus_.size()];
    if (sold_out.count(sku) > 0)
      continue;
    purchase_entry e;
    e.key = "t" + std::to_string(thread) + "-" + std::to_string(n);
    e.sku = sku;
    auto body = R"({"quantity":1,"customer_id":"c)" + std::to_string(thread)
                + R"("})";
    // A 503 is retried with the same key (on the next node), as a client
    // that honours Retry-After would, only faster.
    for (e.tries = 1; e.tries <= 50; ++e.tries) {
      auto& client = *clients[(n + e.tries) % clients.size()];
      try {
        auto r = client.request(bhttp::verb::post,
                                "/v1/products/" + sku + "/purchase", body,
                                {{"Idempotency-Key", e.key}});
        e.status = r.status;
        auto j = r.json();
        e.code = r.status >= 400 ? j["error"]["code"].get<std::string>() : "";
        if (r.status == 201)
          e.order_id = j["order_id"].get<uint64_t>();
      } catch (const std::exception&) {
        e.status = 0;
        e.code = "no_answer";
      }
      if (e.status != 503 && e.status != 0)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    if (e.status == 409 && e.code == "insufficient_stock")
      sold_out.insert(sku);
    std::lock_guard<std::mutex> guard{mutex_};
    entries_.push_back(std::move(e));
  }
}

std::map<unsigned, size_t> purchase_ledger::statuses() const {
  std::map<unsigned, size_t> result;
  for (const auto& e : entries_)
    ++result[e.status];
  return result;
}

std::vector<std::string>
purchase_ledger::check(const std::string& pg_uri,
                       const std::map<std::string, int64_t>& initial) const {
  std::vector<std::string> problems;
  pqxx::connection conn{pg_uri};
  pqxx::read_transaction tx{conn};
  for (const auto& [sku, units] : initial) {
    auto row = tx.exec_params1(
      "SELECT (SELECT stock FROM products WHERE sku = $1), (SELECT "
      "coalesce(sum(quantity), 0) FROM orders WHERE sku = $1)",
      sku);
    auto stock = row[0].as<int64_t>(), sold = row[1].as<int64_t>();
    if (stock + sold != units)
      problems.push_back(sku + ": stock " + std::to_string(stock) + " + sold "
                         + std::to_string(sold) + " != "
                         + std::to_string(units));
  }
  // order_id -> key, and how often each order id is there.
  std::map<uint64_t, std::string> orders;
  std::map<std::string, size_t> per_key;
  for (const auto& row :
       tx.exec("SELECT order_id, coalesce(idempotency_key, '') FROM orders")) {
    orders[row[0].as<uint64_t>()] = row[1].as<std::string>();
    ++per_key[row[1].as<std::string>()];
  }
  std::map<std::string, const purchase_entry*> by_key;
  for (const auto& e : entries_) {
    by_key[e.key] = &e;
    if (e.status == 201) {
      auto i = orders.find(e.order_id);
      if (i == orders.end())
        problems.push_back("acknowledged order " + std::to_string(e.order_id)
                           + " (" + e.key + ") is not in PostgreSQL");
      else if (i->second != e.key)
        problems.push_back("order " + std::to_string(e.order_id)
                           + " has key " + i->second + ", expected " + e.key);
    }
  }
  for (const auto& [key, count] : per_key) {
    if (count > 1)
      problems.push_back("key " + key + " has " + std::to_string(count)
                         + " orders");
    auto e = by_key.find(key);
    if (e == by_key.end())
      continue; // not a ledger purchase
    auto uncertain = e->second->status == 0 || e->second->status == 504
                     || e->second->code == "outcome_unknown";
    if (e->second->status != 201 && !uncertain)
      problems.push_back("key " + key + " has an order but was answered "
                         + std::to_string(e->second->status) + " "
                         + e->second->code);
  }
  return problems;
}

} // namespace doorbuster::testing
