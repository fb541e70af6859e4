#include "support/buyers.hpp"

#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>

namespace doorbuster::testing {

namespace {

using clients_t = std::vector<std::unique_ptr<http_client>>;

/// Sends until the answer is final (not a 503 or a lost answer, or out of
/// tries), starting on client `first`; `next_node` says whether a retry
/// goes to the next node. Fills status, code and tries; returns the JSON.
nlohmann::json ask(ledger_entry& e, clients_t& clients, size_t first,
                   bool next_node, const buyer_options& opts,
                   const std::string& target, const std::string& body,
                   const std::atomic<bool>& stop) {
  nlohmann::json j;
  auto max_tries = opts.max_tries;
  for (e.tries = 1; e.tries <= max_tries; ++e.tries) {
    auto index = (first + (next_node ? e.tries : 0)) % clients.size();
    if (opts.avoid != nullptr && clients.size() > 1
        && static_cast<int>(index) == opts.avoid->load())
      index = (index + 1) % clients.size();
    auto& client = *clients[index];
    try {
      auto r = client.request(bhttp::verb::post, target, body,
                              {{"Idempotency-Key", e.key}});
      e.status = r.status;
      j = r.json();
      e.code = r.status >= 400 ? j["error"]["code"].get<std::string>() : "";
    } catch (const std::exception&) {
      e.status = 0;
      e.code = "no_answer";
      j = {};
    }
    // A 503, a lost answer, or a reservation busy with an earlier try of
    // this very request: ask again.
    auto again = e.status == 503 || e.status == 0
                 || (e.status == 409 && e.code == "reservation_busy");
    if (!again || stop)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  e.tries = std::min(e.tries, max_tries);
  return j;
}

} // namespace

buyers::buyers(ledger& book, std::vector<uint16_t> ports,
               std::vector<std::string> skus, buyer_options opts)
  : book_(book), ports_(std::move(ports)), skus_(std::move(skus)),
    opts_(opts) {
  for (size_t t = 0; t < opts_.threads; ++t)
    threads_.emplace_back([this, t] { run(t); });
}

buyers::~buyers() {
  stop();
}

void buyers::stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
}

void buyers::run(size_t thread) {
  try {
    buy(thread);
  } catch (const std::exception& ex) { // a test bug, not a node's answer
    ADD_FAILURE() << "buyer " << thread << ": " << ex.what();
  }
}

void buyers::buy(size_t thread) {
  clients_t clients;
  for (auto port : ports_) {
    clients.push_back(std::make_unique<http_client>(port));
    clients.back()->set_timeout(opts_.timeout);
  }
  std::set<std::string> sold_out;
  auto name = opts_.prefix + std::to_string(thread) + "-";
  for (size_t n = 0; !stop_ && sold_out.size() < skus_.size(); ++n) {
    const auto& sku = skus_[(n + thread) % skus_.size()];
    if (sold_out.count(sku) > 0)
      continue;
    auto first = n + thread;
    ledger_entry e;
    e.sku = sku;
    e.asked_ms = book_.now_ms();
    if (opts_.reserve_every == 0 || (n + 1) % opts_.reserve_every != 0) {
      e.key = name + std::to_string(n);
      e.customer = opts_.prefix + "c" + std::to_string(thread);
      auto j = ask(e, clients, first, true, opts_,
                   "/v1/products/" + sku + "/purchase",
                   R"({"quantity":1,"customer_id":")" + e.customer + R"("})",
                   stop_);
      if (e.status == 201)
        e.order_id = id_of(j["order_id"]);
    } else {
      // A reservation, then its confirmation; each retried on the next
      // node, as a client behind a load balancer would.
      e.kind = ledger_entry::reserve;
      e.key = name + "r" + std::to_string(n);
      e.customer = opts_.prefix + "r" + std::to_string(thread) + "-"
                   + std::to_string(n);
      auto j = ask(e, clients, first, true, opts_,
                   "/v1/reservations", reservation_body(e.customer, sku),
                   stop_);
      e.answered_ms = book_.now_ms();
      auto id = e.status == 201 ? id_of(j["reservation_id"]) : 0;
      e.reservation_id = id;
      book_.add(e);
      if (id == 0) {
        if (e.status == 409 && e.code == "insufficient_stock")
          sold_out.insert(sku);
        continue;
      }
      e = {};
      e.kind = ledger_entry::confirm;
      e.sku = sku;
      e.customer = opts_.prefix + "r" + std::to_string(thread) + "-"
                   + std::to_string(n);
      e.key = name + "c" + std::to_string(n);
      e.reservation_id = id;
      e.asked_ms = book_.now_ms();
      j = ask(e, clients, first, true, opts_,
              "/v1/reservations/" + std::to_string(id) + "/confirm", "",
              stop_);
      if (e.status == 201)
        e.order_id = id_of(j["orders"][0]["order_id"]);
    }
    e.answered_ms = book_.now_ms();
    if (e.status == 409 && e.code == "insufficient_stock")
      sold_out.insert(sku);
    book_.add(std::move(e));
  }
}

} // namespace doorbuster::testing
