// Probes of a node's CAF ports (admin, cluster) as a peer without the
// node's TLS identity: the one-packet attack, and how much the
// node's memory grew.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sys/types.h>

namespace doorbuster::testing {

/// Sends a 32-byte BASP header announcing a 4 GiB payload, as CAF's own
/// protocol would frame it, and waits up to 5 s. True if the node closed
/// the connection.
bool send_basp_header_bomb(uint16_t port);

/// Resident memory of process `pid` (VmRSS), in bytes.
size_t resident_bytes(pid_t pid);

} // namespace doorbuster::testing
