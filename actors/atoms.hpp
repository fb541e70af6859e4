// The atoms of the actors' protocols, each declared once. The protocols
// themselves live with their actors (product_actor.hpp, shard_actor.hpp,
// catalog_actor.hpp, checkout_actor.hpp, admin_actor.hpp).
#pragma once

#include <caf/atom.hpp>

namespace doorbuster::actors {

// Products, through their shards.
using purchase_atom = caf::atom_constant<caf::atom("purchase")>;
using put_atom = caf::atom_constant<caf::atom("put")>;
using patch_atom = caf::atom_constant<caf::atom("patch")>;
using restore_atom = caf::atom_constant<caf::atom("restore")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using step_atom = caf::atom_constant<caf::atom("step")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using hot_atom = caf::atom_constant<caf::atom("hot")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;

// Shards, from the cluster: serve (own), forward (route), stop serving
// (leave), an owner's connection is lost (lost), and what a forwarding
// shard tells the cluster (moved).
using own_atom = caf::atom_constant<caf::atom("own")>;
using route_atom = caf::atom_constant<caf::atom("route")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using moved_atom = caf::atom_constant<caf::atom("moved")>;
using lost_atom = caf::atom_constant<caf::atom("lost")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using rank_atom = caf::atom_constant<caf::atom("rank")>;

// Passivation: a product's idle timer (idle), and its offer to its shard
// to be kept at rest (passivate).
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;

// The catalog.
using update_atom = caf::atom_constant<caf::atom("update")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using categ_atom = caf::atom_constant<caf::atom("categories")>;

// Checkouts.
using checkout_atom = caf::atom_constant<caf::atom("checkout")>;
using resv_atom = caf::atom_constant<caf::atom("resv")>;
using forget_atom = caf::atom_constant<caf::atom("forget")>;

// Operators.
using admin_atom = caf::atom_constant<caf::atom("admin")>;
using bulk_atom = caf::atom_constant<caf::atom("bulk")>;
using log_atom = caf::atom_constant<caf::atom("log")>;

} // namespace doorbuster::actors
