// The atoms of the cluster's own protocols (the gateway speaks the actors'
// protocols: actors/atoms.hpp).
#pragma once

#include <caf/atom.hpp>

namespace doorbuster::cluster {

using peer_atom = caf::atom_constant<caf::atom("peer")>;
using push_atom = caf::atom_constant<caf::atom("push")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using drain_all_atom = caf::atom_constant<caf::atom("drainall")>;
using undrain_atom = caf::atom_constant<caf::atom("undrain")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
/// (hello_atom, node_id, generation, gateway): a peer that dialed this
/// node hands over its own gateway (see coordinator.hpp: who dials).
using hello_atom = caf::atom_constant<caf::atom("hello")>;

} // namespace doorbuster::cluster
