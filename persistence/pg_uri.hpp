// libpq connection strings with parameters added, in either of libpq's
// forms (a postgresql:// URI or key=value pairs).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace doorbuster::persistence {

using pg_parameters = std::vector<std::pair<std::string, std::string>>;

/// `uri` with `parameters` appended (percent-encoded in a URI).
std::string with_parameters(const std::string& uri,
                            const pg_parameters& parameters);

/// What a cluster node's connections need so that a lost PostgreSQL (a
/// partition, a dead server) is an error within the lease's time, not a
/// hang: connecting gives up after 2 s; a connection whose data stays
/// unacknowledged for `lease_ttl_ms` / 3 is broken (tcp_user_timeout); and
/// the server ends a transaction left idle that long, so a node cut off in
/// the middle of a fenced commit cannot keep its lease rows locked against
/// the node taking them over.
std::string cluster_connection(const std::string& uri, uint64_t lease_ttl_ms);

} // namespace doorbuster::persistence
