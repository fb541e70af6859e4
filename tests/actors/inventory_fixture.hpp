// The fixtures of the inventory's tests: the inventory with its real actors
// and a real journal on disk, asked by the test thread through a scoped
// actor (tests may block; request paths never do).
#pragma once

#include "actors/inventory.hpp"
#include "actors/product_actor.hpp"
#include "persistence/journal_actor.hpp"
#include "persistence/journal_files.hpp"
#include "support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace doorbuster::actors::test {

using namespace domain;

inline product_fields fields(int64_t stock, std::string category = "toys") {
  return {"Ball", "round", std::move(category), 500, "EUR", stock};
}

inline config::options small_node() {
  config::options opts;
  opts.products.shards = 8;
  opts.catalog.workers = 2;
  opts.products.idempotency_keys = 100;
  return opts;
}

struct registered : caf::actor_system_config {
  registered() { add_message_types<caf::id_block::doorbuster>(); }
};

class inventory_test : public ::testing::Test {
protected:
  inventory_test() : inventory_test(small_node()) {}
  explicit inventory_test(const config::options& opts,
                          const config::persistence_options& journal_opts = {})
    : journal{persistence::spawn_journal(sys, dir, journal_opts, 1, {}, &stat)},
      inv{sys, journal, opts, 3} {}

  std::string dir = testing::make_temp_dir("doorbuster-inv");
  registered cfg;
  caf::actor_system sys{cfg};
  persistence::status stat;
  persistence::journal_actor journal;
  inventory inv;

  ~inventory_test() override {
    inv.stop();
    caf::anon_send(journal, persistence::stop_atom::value);
    sys.await_all_actors_done();
    std::filesystem::remove_all(dir);
  }

  /// Asks `handle` and waits for the answer (10 s at most).
  template <class Result, class Handle, class... Ts>
  Result ask(const Handle& handle, Ts&&... xs) {
    caf::scoped_actor self{sys};
    Result out{};
    self->request(handle, std::chrono::seconds{10}, std::forward<Ts>(xs)...)
      .receive([&](Result& value) { out = std::move(value); },
               [&](caf::error& err) { ADD_FAILURE() << sys.render(err); });
    return out;
  }

  /// Every record in the journal files, in order.
  std::vector<persistence::journal_record> journaled() {
    std::vector<persistence::journal_record> out;
    persistence::scan_journal(dir, 0, false, [&](persistence::journal_record& r) {
      out.push_back(r);
    });
    return out;
  }

  /// Products served by an actor and at rest, over every shard.
  std::pair<uint64_t, uint64_t> active_and_passive() {
    uint64_t active = 0, products = 0;
    for (const auto& shard : inv.shards()) {
      auto r = ask<shard_report>(shard, report_atom::value);
      active += r.active;
      products += r.products;
    }
    return {active, products - active};
  }

  write_result put(const std::string& sku, product_fields f) {
    return ask<write_result>(inv.shard_for(sku), put_atom::value, sku,
                             std::move(f));
  }

  purchase_result buy(const std::string& sku, int64_t q,
                      std::string key = {}, std::string customer = "c") {
    return ask<purchase_result>(inv.shard_for(sku), purchase_atom::value,
                                purchase_request{sku, q, std::move(customer),
                                                 std::move(key)});
  }

  product_doc_ptr read(const std::string& sku) {
    return ask<product_doc_ptr>(inv.catalog(), get_atom::value, sku);
  }

  checkout_result order(std::vector<checkout_line> items, deadline due = {}) {
    checkout_request req;
    req.customer_id = "c";
    req.items = std::move(items);
    req.reserve_only = false;
    req.due = due;
    return ask<checkout_result>(inv.checkout_for({}), checkout_atom::value,
                                std::move(req));
  }
};

/// Products rest after `idle_ms` idle: passivation and activation happen
/// many times within a test.
inline config::options resting_node(int64_t idle_ms) {
  auto opts = small_node();
  opts.products.passivate_after_ms = idle_ms;
  return opts;
}

class passivation_test : public inventory_test {
protected:
  explicit passivation_test(int64_t idle_ms = 30)
    : inventory_test(resting_node(idle_ms)) {}

  /// Waits (5 s at most) until `n` products rest and none is active.
  void wait_until_all_rest(uint64_t n) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (active_and_passive() != std::pair<uint64_t, uint64_t>{0, n}) {
      ASSERT_LT(std::chrono::steady_clock::now(), until)
        << "still active: " << active_and_passive().first;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
  }

  uint64_t metric(const std::string& name) {
    auto text = inv.metrics();
    auto at = text.find("\n" + name + " ");
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos
             ? 0
             : std::stoull(text.substr(at + name.size() + 2));
  }
};

} // namespace doorbuster::actors::test
