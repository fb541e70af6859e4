// A test hook for the fault tests: a node started with the environment
// variable DOORBUSTER_FAILPOINT=<name> kills itself (SIGKILL) when it
// reaches the point of that name, so a test can crash it at an exact step
// of a hand-off. Without the variable (as in production) a failpoint does
// nothing but compare a pointer. The points:
//   handoff-drained    the old owner drained a shard, before releasing it
//   handoff-released   the old owner released its leases
//   takeover-acquired  the new owner took leases, before loading them
//   takeover-loaded    the new owner loaded them, before serving
#pragma once

namespace doorbuster::cluster {

/// Dies at once if DOORBUSTER_FAILPOINT names `name`.
void failpoint(const char* name);

} // namespace doorbuster::cluster
