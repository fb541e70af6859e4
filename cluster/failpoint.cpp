#include "cluster/failpoint.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace doorbuster::cluster {

void failpoint(const char* name) {
  static const char* armed = std::getenv("DOORBUSTER_FAILPOINT");
  if (armed == nullptr || std::strcmp(armed, name) != 0)
    return;
  spdlog::warn("failpoint {}: killing this process", name);
  spdlog::default_logger()->flush();
  std::raise(SIGKILL);
}

} // namespace doorbuster::cluster
