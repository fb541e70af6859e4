// A purchase and a hold sent to a shard through a real caf::io::middleman
// connection (two actor systems in this process, over loopback) get the
// same answers as the same requests sent locally to an identical node: the
// protocols cross a wire unchanged.
#include "actors/inventory.hpp"
#include "domain/clock.hpp"
#include "persistence/journal_actor.hpp"
#include "support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

namespace doorbuster::actors {
namespace {

using namespace domain;

struct node_config : caf::actor_system_config {
  node_config() {
    add_message_types<caf::id_block::doorbuster>();
    load<caf::io::middleman>();
  }
};

/// An actor system with a journal and an inventory of one product.
struct node {
  std::string dir = testing::make_temp_dir("doorbuster-remote");
  node_config cfg;
  caf::actor_system sys{cfg};
  persistence::status stat;
  persistence::journal_actor journal = persistence::spawn_journal(
    sys, dir, {}, 1, {}, &stat);
  std::unique_ptr<inventory> inv;

  node() {
    config::options opts;
    opts.products.shards = 4;
    opts.catalog.workers = 1;
    opts.checkout.coordinators = 1;
    inv = std::make_unique<inventory>(sys, journal, opts, 5);
    auto put = inv->put_all({{"HOT", {"TV", "big", "tv", 49900, "USD", 10}}});
    EXPECT_EQ(put.at(0).error, errc::ok);
  }

  ~node() {
    inv->stop();
    caf::anon_send(journal, persistence::stop_atom::value);
    sys.await_all_actors_done();
    std::filesystem::remove_all(dir);
  }
};

/// Asks `to` from a scoped actor of `sys`; the answer or a test failure.
template <class Result, class Handle, class... Ts>
Result ask(caf::actor_system& sys, const Handle& to, Ts&&... xs) {
  Result out{};
  caf::scoped_actor self{sys};
  self->request(to, std::chrono::seconds{10}, std::forward<Ts>(xs)...)
    .receive([&](Result& value) { out = std::move(value); },
             [&](caf::error& err) { ADD_FAILURE() << sys.render(err); });
  return out;
}

TEST(remote, purchase_and_hold_over_the_middleman_answer_as_locally) {
  node server;
  node local;
  auto port = server.sys.middleman().publish(server.inv->shard_for("HOT"), 0,
                                             "127.0.0.1", true);
  ASSERT_TRUE(port) << server.sys.render(port.error());
  node_config client_cfg;
  caf::actor_system client{client_cfg};
  auto remote = client.middleman().remote_actor<shard_actor>("127.0.0.1",
                                                             *port);
  ASSERT_TRUE(remote) << client.render(remote.error());
  const auto& here = local.inv->shard_for("HOT");

  purchase_request buy{"HOT", 2, "ann", "key-1",
                       deadline::after(std::chrono::seconds{5})};
  auto over_wire = ask<purchase_result>(client, *remote, purchase_atom::value,
                                        buy);
  auto in_node = ask<purchase_result>(local.sys, here, purchase_atom::value,
                                      buy);
  EXPECT_EQ(over_wire.error, errc::ok);
  EXPECT_EQ(over_wire.remaining, 8);
  EXPECT_EQ(over_wire, in_node);
  EXPECT_EQ(server.stat.durable_seq.load(), 2u)
    << "answered after its order was journaled on the serving node";

  hold_request hold{{7, "HOT", "bob", 3, domain::now_ms() + 60000,
                     checkout_kind::reservation, "key-h", 0},
                    deadline::after(std::chrono::seconds{5})};
  auto held_remote = ask<line_result>(client, *remote, hold_atom::value, hold);
  auto held_local = ask<line_result>(local.sys, here, hold_atom::value, hold);
  EXPECT_EQ(held_remote.error, errc::ok);
  EXPECT_EQ(held_remote.available, 5);
  EXPECT_EQ(held_remote, held_local);

  // A budget spent before sending is spent on arrival too.
  buy.idempotency_key = "key-2";
  buy.due = deadline::at(std::chrono::steady_clock::now()
                         - std::chrono::milliseconds{1});
  EXPECT_EQ(ask<purchase_result>(client, *remote, purchase_atom::value, buy)
              .error,
            errc::deadline_exceeded);
}

} // namespace
} // namespace doorbuster::actors
