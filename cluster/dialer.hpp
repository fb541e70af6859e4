// Connects to peers' gateways off the coordinator's thread: CAF's
// remote_actor() blocks (up to the OS's connect timeout for a host that
// does not answer), and the coordinator must keep renewing leases and
// routing meanwhile. One dial at a time, on a thread of its own.
#pragma once

#include "cluster/atoms.hpp"

#include <caf/fwd.hpp>

#include <cstdint>
#include <string>

namespace doorbuster::cluster {

using dial_atom = caf::atom_constant<caf::atom("dial")>;
using dialed_atom = caf::atom_constant<caf::atom("dialed")>;

/// (dial_atom, node_id, generation, host:port): connects, then sends its
/// sender (dialed_atom, node_id, generation, gateway), the gateway invalid
/// when the peer could not be reached.
caf::actor spawn_dialer(caf::actor_system& sys);

} // namespace doorbuster::cluster
