// Bulk puts through the shards, with real actors and a real journal: new
// products and products at rest are applied by their shard without an
// actor, durable and in the catalog before the answer; active products by
// their actors; and bulk puts racing purchases of products that rest and
// wake lose no change and apply none twice.
#include "inventory_fixture.hpp"

#include "domain/shard.hpp"

#include <atomic>
#include <map>
#include <mutex>

namespace doorbuster::actors::test {
namespace {

std::vector<product_entry> entries_of(const std::vector<std::string>& skus,
                                      int64_t stock) {
  std::vector<product_entry> out;
  for (const auto& sku : skus)
    out.push_back({sku, fields(stock)});
  return out;
}

/// `n` products of 5 units whose SKUs (`prefix` and a number) are shard 0's
/// of `shards`.
std::vector<product_entry> entries_of_shard_0(const std::string& prefix,
                                              size_t n, size_t shards) {
  std::vector<product_entry> entries;
  for (int i = 0; entries.size() < n; ++i) {
    auto sku = prefix + std::to_string(i);
    if (domain::shard_of(sku, shards) == 0)
      entries.push_back({sku, fields(5)});
  }
  return entries;
}

TEST_F(inventory_test, a_bulk_put_keeps_new_products_at_rest) {
  put("A", fields(1)); // a single put spawns A's actor
  std::vector<product_entry> entries{{"A", fields(9)}};
  for (int i = 0; i < 500; ++i)
    entries.push_back({"P" + std::to_string(i), fields(i + 1)});
  auto results = inv.put_all(std::move(entries));
  ASSERT_EQ(results.size(), 501u);
  ASSERT_EQ(results[0].error, errc::ok);
  EXPECT_FALSE(results[0].created);
  EXPECT_EQ(results[0].doc->version, 2u);
  for (size_t i = 1; i < results.size(); ++i) {
    ASSERT_EQ(results[i].error, errc::ok) << i;
    EXPECT_TRUE(results[i].created) << i;
    EXPECT_EQ(results[i].doc->version, 1u) << i;
  }
  // Answered once durable and in the catalog.
  EXPECT_EQ(journaled().size(), 502u) << "A's put, then every entry";
  EXPECT_EQ(read("P499")->version, 1u);
  EXPECT_NE(read("A")->json().find(R"("stock":9)"), std::string::npos);
  EXPECT_EQ(active_and_passive(), (std::pair<uint64_t, uint64_t>{1, 500}))
      << "only A has an actor";
  // A product loaded at rest wakes on its first purchase, and a bulk put
  // of a product at rest replaces it there.
  EXPECT_EQ(buy("P7", 3).error, errc::ok);
  EXPECT_NE(read("P7")->json().find(R"("stock":5)"), std::string::npos);
  auto again = inv.put_all(entries_of({"P8"}, 50));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].created);
  EXPECT_EQ(again[0].doc->version, 2u);
  EXPECT_EQ(active_and_passive(), (std::pair<uint64_t, uint64_t>{2, 499}));
}

TEST_F(inventory_test, a_bulk_put_to_a_waiting_shard_is_served_once_owned) {
  auto entries = entries_of_shard_0("O", 5, inv.shard_controls().size());
  const auto& shard = inv.shard_controls()[0];
  caf::anon_send(shard, route_atom::value, caf::actor{}); // no owner known
  caf::scoped_actor self{sys};
  auto answer = self->request(shard, std::chrono::seconds{10}, put_atom::value,
                              entries);
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  EXPECT_TRUE(journaled().empty()) << "a waiting shard applied a put";
  caf::anon_send(shard, own_atom::value, uint64_t{0},
                 std::vector<stored_product>{});
  answer.receive(
    [&](std::vector<write_result>& results) {
      ASSERT_EQ(results.size(), entries.size());
      for (const auto& r : results) {
        EXPECT_EQ(r.error, errc::ok);
        EXPECT_TRUE(r.created);
      }
    },
    [&](caf::error& err) { ADD_FAILURE() << sys.render(err); });
  EXPECT_EQ(read(entries.back().sku)->version, 1u);
  EXPECT_EQ(journaled().size(), entries.size());
}

/// Products rest after 1 ms idle: bulk puts find them at rest, waking or
/// active, while purchases wake them.
class resting_bulk_test : public passivation_test {
protected:
  resting_bulk_test() : passivation_test(1) {}
};

TEST_F(resting_bulk_test, bulk_puts_racing_purchases_lose_and_double_nothing) {
  const std::vector<std::string> skus{"R1", "R2", "R3", "R4"};
  constexpr int64_t stock = 1000000;
  constexpr int loads = 60;
  ASSERT_EQ(inv.put_all(entries_of(skus, stock)).size(), skus.size());
  std::atomic<bool> loading{true};
  std::mutex mtx;
  std::map<std::string, uint64_t> sold;
  std::thread loader([&] {
    for (int i = 0; i < loads; ++i) {
      for (const auto& res : inv.put_all(entries_of(skus, stock)))
        EXPECT_EQ(res.error, errc::ok);
      std::this_thread::sleep_for(std::chrono::microseconds{(i * 373) % 3000});
    }
    loading = false;
  });
  std::vector<std::thread> buyers;
  for (int t = 0; t < 4; ++t)
    buyers.emplace_back([&, t] {
      for (int i = 0; loading; ++i) {
        const auto& sku = skus[(t + i) % skus.size()];
        auto res = buy(sku, 1);
        ASSERT_EQ(res.error, errc::ok);
        {
          std::lock_guard lock{mtx};
          ++sold[sku];
        }
        std::this_thread::sleep_for(
            std::chrono::microseconds{(t * 337 + i * 211) % 2500});
      }
    });
  loader.join();
  for (auto& b : buyers)
    b.join();
  EXPECT_GT(metric("doorbuster_activations_total"), 20u)
      << "the race did not happen: products never rested";
  std::map<std::string, uint64_t> puts, orders;
  for (const auto& r : journaled()) {
    if (const auto* s = std::get_if<product_state>(&r.entry))
      ++puts[s->sku];
    if (const auto* o = std::get_if<domain::order>(&r.entry))
      ++orders[o->sku];
  }
  for (const auto& sku : skus) {
    EXPECT_EQ(puts[sku], loads + 1u) << sku;
    EXPECT_EQ(orders[sku], sold[sku]) << sku;
    EXPECT_EQ(read(sku)->version, loads + 1 + sold[sku])
        << sku << ": every put and every sale is one version";
  }
}

/// Every group commit waits 200 ms for more records.
class slow_journal_test : public inventory_test {
protected:
  static config::persistence_options slow_commits() {
    config::persistence_options opts;
    opts.group_commit_delay_us = 200000;
    return opts;
  }
  slow_journal_test() : inventory_test(small_node(), slow_commits()) {}
};

TEST_F(slow_journal_test,
       a_drained_shard_leaves_once_its_bulk_puts_are_durable) {
  auto entries = entries_of_shard_0("D", 20, inv.shard_controls().size());
  const auto& shard = inv.shard_controls()[0];
  caf::anon_send(shard, put_atom::value,
                 entries); // its answer is not waited for
  EXPECT_TRUE(ask<bool>(shard, leave_atom::value, true));
  EXPECT_EQ(journaled().size(), entries.size())
      << "the shard left before its bulk put was durable";
}

} // namespace
} // namespace doorbuster::actors::test
