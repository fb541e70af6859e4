// A cluster that survives the impolite cases: an owner killed, a node
// frozen (SIGSTOP) longer and shorter than its lease, a rolling restart,
// PostgreSQL restarted, all under purchase and reservation load from every
// node. After each, the ledger checker (support/ledger_check.hpp) compares
// what the clients were told with PostgreSQL: nothing acknowledged lost,
// nothing sold twice, no shard served by two nodes at once, every key
// re-sent gets its first order; and the time writes were unavailable is
// within the lease TTL plus the time to load a shard.
#include "support/buyers.hpp"
#include "support/cluster_nodes.hpp"
#include "support/ledger_check.hpp"
#include "support/packet_filter.hpp"
#include "support/partitions.hpp"
#include "support/pg_database.hpp"
#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"
#include "support/test_products.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <iostream>
#include <thread>

namespace doorbuster::testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

constexpr size_t shards = 16;
/// What a take costs beyond the TTL: finding the lease expired (the
/// coordinator looks when it expires), loading a shard of a few products,
/// and a client's retry interval. Generous: CI machines are busy.
constexpr milliseconds take_allowance{1500};

/// Three nodes, twelve products, buyers on the nodes the test names.
struct cluster_fault : ::testing::Test {
  void SetUp() override { start(shared_cluster_uri()); }

  void start(const std::string& cluster_uri) {
    db = std::make_unique<pg_database>(cluster_uri);
    nodes = std::make_unique<cluster_nodes>(
      db->uri(), 3, shards, std::vector<std::string>{}, own_uids);
    ASSERT_TRUE(nodes->wait_settled());
    http_client admin{nodes->node(0).port()};
    initial = put_products(admin, "F", 12);
    ASSERT_EQ(initial.size(), 12u);
  }

  std::vector<uint16_t> ports(std::vector<size_t> which = {0, 1, 2}) {
    std::vector<uint16_t> result;
    for (auto i : which)
      result.push_back(nodes->node(i).port());
    return result;
  }

  /// Starts `threads` buyers (every 4th write a reservation) through the
  /// nodes `through`, with keys and customers of their own.
  void buy(std::vector<size_t> through = {0, 1, 2}, size_t threads = 12) {
    buyer_options opts{threads, 4, 150};
    opts.prefix = "g" + std::to_string(buying.size()) + "t";
    buying.push_back(std::make_unique<buyers>(book, ports(std::move(through)),
                                              skus_of(initial), opts));
  }

  /// Stops the buyers, prints what they were told, runs the checker.
  /// `lost_carts`: a reservation made by a node that restarted since may
  /// be unknown (its coordinator's memory went with the process).
  void check(std::vector<size_t> resend_through = {0, 1, 2},
             bool lost_carts = false) {
    for (auto& b : buying)
      b->stop();
    for (const auto& [answer, n] : book.answers())
      std::cout << "  " << n << " x " << answer << "\n";
    EXPECT_GT(book.statuses()[201], 100u);
    for (const auto& e : book.entries())
      if (e.status != 201
          && !(lost_carts && e.kind == ledger_entry::confirm
               && e.code == "unknown_reservation")) {
        EXPECT_TRUE(e.status == 503 || e.uncertain())
          << e.key << ": a wrong answer: " << e.status << " " << e.code;
      }
    for (const auto& problem :
         check_ledger(book, db->uri(), initial,
                      {shards, ports(std::move(resend_through)), lost_carts}))
      ADD_FAILURE() << problem;
  }

  /// Asserts that writes were unavailable for less than the TTL plus a
  /// take between `from` and `to` (ledger times); returns the window.
  int64_t expect_window(int64_t from, int64_t to) {
    auto gap = write_gap_ms(book.entries(), from, to);
    std::cout << "  write-unavailability window: " << gap << " ms\n";
    EXPECT_LT(gap, (cluster_nodes::lease_ttl + take_allowance).count());
    return gap;
  }

  int64_t takes_since(int64_t history_id, const std::string& by = "") {
    return db->scalar("SELECT count(*) FROM shard_history WHERE event = "
                      "'acquired' AND id > "
                      + std::to_string(history_id)
                      + (by.empty() ? "" : " AND node_id = '" + by + "'"));
  }

  bool own_uids = false; // partitions: each node its own user id
  std::unique_ptr<pg_database> db;
  std::unique_ptr<cluster_nodes> nodes;
  std::map<std::string, int64_t> initial;
  ledger book;
  std::vector<std::unique_ptr<buyers>> buying;
};

TEST_F(cluster_fault, an_owner_killed_under_load_loses_no_acknowledged_order) {
  buy({1, 2});
  std::this_thread::sleep_for(1s);
  auto killed_at = book.now_ms();
  nodes->node(0).kill_hard();
  // Its leases expire and the survivors take its shards between them.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (nodes->shards_owned()[1] + nodes->shards_owned()[2] < shards
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  auto owned = nodes->shards_owned();
  EXPECT_EQ(owned[1] + owned[2], shards);
  EXPECT_GT(owned[1], 0u);
  EXPECT_GT(owned[2], 0u);
  std::this_thread::sleep_for(1s);
  expect_window(killed_at, book.now_ms());
  check({1, 2});
}

TEST_F(cluster_fault, a_node_frozen_past_its_lease_acknowledges_nothing_for_lost_shards) {
  auto before = db->scalar("SELECT max(id) FROM shard_history");
  auto generation_of_0 = [&] {
    return db->scalar("SELECT generation FROM cluster_nodes WHERE node_id = '"
                      + nodes->node_id(0) + "'");
  };
  auto generation = generation_of_0();
  // The window is measured through the nodes that stay; node 0's own
  // buyers wait while it is frozen, then get its answers.
  buy({1, 2});
  buy({0}, 2);
  std::this_thread::sleep_for(1s);
  auto frozen_at = book.now_ms();
  nodes->node(0).signal(SIGSTOP);
  std::this_thread::sleep_for(cluster_nodes::lease_ttl * 2);
  auto taken = takes_since(before);
  nodes->node(0).signal(SIGCONT);
  EXPECT_GT(taken, 0) << "nobody took the frozen node's shards";
  // It finds it was counted gone, drops its shards, rejoins under a new
  // generation and takes back those it should own (new epochs); its new
  // orders carry the new generation (the checker's third check).
  EXPECT_TRUE(nodes->wait_settled());
  auto rejoined = generation_of_0();
  EXPECT_GT(rejoined, generation) << "it did not rejoin as a new member";
  EXPECT_GT(db->scalar("SELECT count(*) FROM shard_history WHERE event = "
                       "'acquired' AND node_id = '"
                       + nodes->node_id(0)
                       + "' AND generation = " + std::to_string(rejoined)),
            0)
    << "it took nothing back under its new generation";
  http_client zero{nodes->node(0).port()};
  EXPECT_NE(zero.get("/metrics").body.find("doorbuster_cluster_rejoins_total 1"),
            std::string::npos);
  std::this_thread::sleep_for(1s);
  expect_window(frozen_at, book.now_ms());
  check();
}

TEST_F(cluster_fault, a_node_frozen_shorter_than_its_lease_keeps_its_shards) {
  auto before = db->scalar("SELECT max(id) FROM shard_history");
  buy();
  std::this_thread::sleep_for(1s);
  nodes->node(0).signal(SIGSTOP);
  std::this_thread::sleep_for(cluster_nodes::lease_ttl / 4);
  nodes->node(0).signal(SIGCONT);
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(takes_since(before), 0) << "a short stall moved shards";
  check();
  for (const auto& e : book.entries())
    EXPECT_EQ(e.status, 201u) << e.key << ": " << e.status << " " << e.code;
}

TEST_F(cluster_fault, a_rolling_restart_under_load_loses_nothing) {
  buy();
  for (size_t i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(1s);
    nodes->restart(i); // SIGTERM: drains, then starts with the same id
    ASSERT_TRUE(nodes->wait_settled()) << "after restarting node " << i;
  }
  std::this_thread::sleep_for(1s);
  check({0, 1, 2}, true);
  EXPECT_EQ(nodes->shards_owned().size(), 3u);
  for (auto owned : nodes->shards_owned())
    EXPECT_GT(owned, 0u);
}

/// A node crashes (SIGKILL, by a failpoint: cluster/failpoint.hpp) at each
/// step of a hand-off: a fourth node joins and, for the old owner's steps,
/// later drains.
struct cluster_handoff_crash : cluster_fault,
                               ::testing::WithParamInterface<const char*> {};

TEST_P(cluster_handoff_crash, loses_nothing_and_the_others_take_its_shards) {
  std::string point = GetParam();
  buy();
  std::this_thread::sleep_for(1s);
  auto i = nodes->add(point); // takeover-*: dies taking its first shards
  if (point.rfind("handoff-", 0) == 0) {
    ASSERT_TRUE(nodes->wait_settled());
    std::this_thread::sleep_for(500ms);
    nodes->node(i).signal(SIGTERM); // drains: dies handing its shards over
  }
  auto crashed_at = book.now_ms();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (nodes->node(i).running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_FALSE(nodes->node(i).running()) << "the failpoint " << point
                                         << " was not reached";
  // The three others own every shard again.
  deadline = std::chrono::steady_clock::now() + 20s;
  auto owned_by_others = [&] {
    auto owned = nodes->shards_owned();
    return owned[0] + owned[1] + owned[2];
  };
  while (owned_by_others() < shards && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(owned_by_others(), shards);
  std::this_thread::sleep_for(1s);
  expect_window(crashed_at, book.now_ms());
  check();
}

INSTANTIATE_TEST_SUITE_P(steps, cluster_handoff_crash,
                         ::testing::Values("handoff-drained",
                                           "handoff-released",
                                           "takeover-acquired",
                                           "takeover-loaded"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

/// Partitions: nftables drops the packets of one node's sockets (each
/// node runs as a user id of its own).
struct cluster_partition : cluster_fault {
  void SetUp() override {
    auto why = packet_filter::unavailable_reason();
    if (!why.empty())
      GTEST_SKIP() << why;
    own_uids = true;
    start(shared_cluster_uri());
    filter = std::make_unique<packet_filter>();
  }
  void TearDown() override { filter.reset(); }

  std::unique_ptr<packet_filter> filter;
};

TEST_F(cluster_partition, a_node_cut_off_from_its_peers_keeps_its_shards_and_no_answer_is_wrong) {
  auto before = db->scalar("SELECT max(id) FROM shard_history");
  buy({1, 2});
  buy({0}, 2);
  std::this_thread::sleep_for(1s);
  // Node 0 and its peers no longer reach each other's gateways.
  cut_off_from_peers(*filter, *nodes, 0);
  std::this_thread::sleep_for(cluster_nodes::lease_ttl * 2);
  // Node 0 still renews its leases in PostgreSQL: nothing moves.
  EXPECT_EQ(takes_since(before), 0) << "a partition between nodes moved shards";
  filter->heal();
  auto healed_at = book.now_ms();
  EXPECT_TRUE(nodes->wait_settled());
  std::this_thread::sleep_for(1s);
  // Every SKU sells again through the nodes that were cut off from its owner.
  std::map<std::string, size_t> sold_after;
  for (const auto& e : book.entries())
    if (e.status == 201 && e.asked_ms > healed_at)
      ++sold_after[e.sku];
  EXPECT_EQ(sold_after.size(), initial.size());
  check();
}

TEST_F(cluster_partition, a_node_cut_off_from_postgres_stops_writing_keeps_reading_and_its_shards_move) {
  auto before = db->scalar("SELECT max(id) FROM shard_history");
  buy({1, 2});
  buy({0}, 2);
  std::this_thread::sleep_for(1s);
  cut_off_from_postgres(*filter, *nodes, 0, db->uri());
  auto cut_at = book.now_ms();
  // Reads go on on node 0 from its catalog while its shards move.
  http_client reader{nodes->node(0).port()};
  auto until = std::chrono::steady_clock::now() + cluster_nodes::lease_ttl * 2;
  size_t reads = 0;
  while (std::chrono::steady_clock::now() < until) {
    auto r = reader.get("/v1/products/" + initial.begin()->first);
    EXPECT_EQ(r.status, 200u) << r.body;
    ++reads;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(reads, 10u);
  EXPECT_GT(takes_since(before, "n2") + takes_since(before, "n3"), 0)
    << "nobody took the shards of the node cut off from PostgreSQL";
  auto taken_at = book.now_ms();
  expect_window(cut_at, taken_at);
  filter->heal();
  EXPECT_TRUE(nodes->wait_settled()); // node 0 takes its shards back
  std::this_thread::sleep_for(1s);
  check();
}

/// PostgreSQL of its own: this test stops it.
struct cluster_fault_own_pg : cluster_fault {
  void SetUp() override {
    pg("start");
    start(cluster_uri(state + "/pg"));
  }
  void TearDown() override {
    buying.clear();
    nodes.reset();
    db.reset();
    run_shell(std::string{DOORBUSTER_PG_CLUSTER} + " stop " + state + "/pg");
    std::filesystem::remove_all(state);
  }
  void pg(const std::string& command) {
    ASSERT_EQ(run_shell(std::string{DOORBUSTER_PG_CLUSTER} + " " + command
                        + " " + state + "/pg")
                .status,
              0);
  }
  std::string state = make_temp_dir("doorbuster-fault");
};

TEST_F(cluster_fault_own_pg, a_postgres_restart_under_load_refuses_writes_then_resumes) {
  buy();
  std::this_thread::sleep_for(1s);
  pg("halt");
  auto halted_at = book.now_ms();
  std::this_thread::sleep_for(3s);
  auto resuming_at = book.now_ms();
  pg("resume");
  // Writes resume by themselves: the nodes take their shards again.
  EXPECT_TRUE(nodes->wait_settled());
  auto acked_after = [&] {
    size_t n = 0;
    for (const auto& e : book.entries())
      n += e.status == 201 && e.asked_ms > resuming_at;
    return n;
  };
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (acked_after() < 200 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_GE(acked_after(), 200u);
  size_t during = 0;
  for (const auto& e : book.entries())
    during += e.status == 201 && e.answered_ms > halted_at + 200
              && e.answered_ms < resuming_at;
  EXPECT_EQ(during, 0u) << "acknowledged while PostgreSQL was down";
  // Unavailable from the halt until the leases are back after the resume.
  auto window = write_gap_ms(book.entries(), resuming_at, book.now_ms());
  std::cout << "  writes unavailable for " << window << " ms (3000 ms down)\n";
  EXPECT_LT(window, 3000 + (cluster_nodes::lease_ttl + take_allowance).count());
  check();
}

} // namespace
} // namespace doorbuster::testing
