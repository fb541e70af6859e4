// A node's gateway: the one actor it publishes on the cluster port. Peers
// send it the requests for shards this node owns (the product API, with
// the request's remaining budget inside it), the reservation requests for
// coordinators of this node's generation, the checkouts whose key a
// checkout of this node holds (sent on to its coordinator), and their
// products' new documents for this node's catalog, and the hello of a peer
// that dialed it (passed to the coordinator). A request for a shard this
// node does not own (any more) is answered "moved": the sender re-routes it.
#pragma once

#include "actors/atoms.hpp"
#include "cluster/atoms.hpp"
#include "domain/type_ids.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <vector>

namespace doorbuster::actors {
class inventory;
}

namespace doorbuster::cluster {

using gateway_actor = caf::typed_actor<
  caf::replies_to<actors::purchase_atom, domain::purchase_request>::with<
    domain::purchase_result>,
  caf::replies_to<actors::put_atom, std::string, domain::product_fields>::with<
    domain::write_result>,
  caf::replies_to<actors::patch_atom, std::string,
                  domain::product_patch>::with<domain::write_result>,
  caf::replies_to<actors::hold_atom, domain::hold_request>::with<
    domain::line_result>,
  caf::replies_to<actors::step_atom, domain::hold_command>::with<
    domain::line_result>,
  caf::replies_to<actors::inspect_atom, std::string>::with<std::string>,
  caf::replies_to<actors::resv_atom, domain::reservation_request>::with<
    domain::checkout_result>,
  caf::replies_to<actors::checkout_atom, domain::checkout_request>::with<
    domain::checkout_result>,
  caf::reacts_to<actors::update_atom, std::vector<domain::product_doc_ptr>>,
  caf::reacts_to<hello_atom, std::string, uint64_t, caf::actor>>;

/// `owned[s]`: the epoch this node serves shard s at, 0 when it does not;
/// `inv` and `owned` outlive the actor. Hellos go to `coordinator`.
gateway_actor spawn_gateway(caf::actor_system& sys, actors::inventory& inv,
                            const std::atomic<uint64_t>* owned, size_t shards,
                            caf::actor coordinator);

} // namespace doorbuster::cluster
