// The partitions the fault tests and bench/chaos make, as packet filter
// rules on a cluster whose nodes run as user ids of their own
// (cluster_nodes' own_uids): one recipe for each.
#pragma once

#include "support/cluster_nodes.hpp"
#include "support/packet_filter.hpp"

#include <string>

namespace doorbuster::testing {

/// Node i and every other node no longer reach each other's gateways.
void cut_off_from_peers(packet_filter& filter, cluster_nodes& nodes, size_t i);

/// Node i no longer reaches the PostgreSQL of `pg_uri`
/// (postgresql://user@host:port/db).
void cut_off_from_postgres(packet_filter& filter, cluster_nodes& nodes,
                           size_t i, const std::string& pg_uri);

} // namespace doorbuster::testing
