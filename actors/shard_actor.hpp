// A virtual shard: owns (spawns, links, routes to) the product actors of the
// SKUs that hash to it. Speaks the product API and delegates each request to
// its product, which answers the requester directly; a put for an unknown
// SKU creates its product actor. A product is active (an actor serves it)
// or at rest (passive_product, kept here): restored products start at rest
// (unless they hold units), an idle product's actor offers to go to rest
// (product_actor.hpp), and the next request to a product at rest spawns
// its actor again, with the state it left. A bulk put (many entries in one
// message) is applied by the shard itself to products at rest and to new
// ones, which stay at rest (detail/rest_writes.hpp). Purchases and holds
// for a product with `max_mailbox` of them queued are refused (overloaded)
// before they queue, so a hot SKU's backlog never delays other SKUs.
//
// In a cluster a shard is in one of three modes, set by the cluster:
//   serving    it owns the shard's lease and serves as above;
//   forwarding another node owns it: requests go to that node's gateway,
//              whose answer is passed on ("moved" sends it to waiting);
//   waiting    no owner is known (a hand-off is under way): requests wait,
//              a bounded number for a bounded time, until the cluster says
//              who serves, then go there. A single node's shards serve
//              from the start.
#pragma once

#include "actors/product_actor.hpp"

#include <vector>

namespace doorbuster::actors {

/// The product API, plus what operators ask of a shard: a bulk put of
/// its SKUs' entries (answered in their order once all are durable), a
/// report of its products, and the `n` busiest products since the previous
/// such question; and the start-up's restore of stored products, answered
/// with their number (the start-up gives the catalog their documents).
using shard_actor = product_api::extend<
  caf::replies_to<put_atom, std::vector<domain::product_entry>>::with<
    std::vector<domain::write_result>>,
  caf::replies_to<restore_atom, std::vector<domain::stored_product>>::with<
    uint64_t>,
  caf::replies_to<report_atom>::with<domain::shard_report>,
  caf::replies_to<hot_atom, uint64_t>::with<
    std::vector<domain::product_heat>>>;

/// What the cluster asks of a shard, besides its API:
///   own(epoch, products) -> products: serve these products under the lease
///     taken at `epoch` (their records are fenced by it)
///   route(gateway): forward to another node's gateway; an invalid handle:
///     no owner known, requests wait
///   leave(drain) -> true: stop serving and drop the products; with
///     `drain`, first wait until nothing of theirs waits for the journal
///   lost(gateway): the connection to that owner is lost; requests in flight
///     to it are answered outcome_unknown (CAF would leave them waiting)
///   sweep: its own timer, answering requests that waited too long
///   rank: its own timer, ranking its best sellers for /metrics
///   idle: its own timer, asking idle products whether they may rest
///   passivate: an idle product's offer to be kept at rest
///   durable, refused: the journal's word on the records of its bulk puts
using shard_control = shard_actor::extend<
  caf::reacts_to<persistence::durable_atom, uint64_t>,
  caf::reacts_to<persistence::refused_atom, uint64_t>,
  caf::reacts_to<passivate_atom, std::string, uint64_t,
                 domain::stored_product>,
  caf::replies_to<own_atom, uint64_t,
                  std::vector<domain::stored_product>>::with<uint64_t>,
  caf::reacts_to<route_atom, caf::actor>,
  caf::replies_to<leave_atom, bool>::with<bool>,
  caf::reacts_to<lost_atom, caf::actor>,
  caf::reacts_to<sweep_atom>,
  caf::reacts_to<rank_atom>,
  caf::reacts_to<idle_atom>>;

struct shard_options {
  size_t index = 0;       // of this shard
  size_t max_mailbox = 0; // per product
  bool serving = true;    // a single node's shards serve from the start
  caf::actor cluster;     // told (moved_atom, index) by a forwarding shard
};

shard_control spawn_shard_actor(caf::actor_system& sys,
                                const product_actor_deps& deps,
                                const shard_options& opts);

} // namespace doorbuster::actors
