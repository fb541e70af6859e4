// Waits on a node's /readyz until write-behind has caught up.
#pragma once

#include "support/http_client.hpp"

#include <chrono>
#include <thread>

namespace doorbuster::testing {

/// True once /readyz reports no write-behind lag (within `timeout`).
inline bool wait_caught_up(http_client& client,
                           std::chrono::seconds timeout = std::chrono::seconds{30}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto body = client.get("/readyz").json();
    if (body["persistence"]["lag_records"] == 0)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return false;
}

} // namespace doorbuster::testing
