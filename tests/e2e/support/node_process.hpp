// A real doorbuster process for end-to-end tests: started on a free port
// with its own data directory, stopped with SIGTERM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace doorbuster::testing {

inline constexpr const char* admin_token = "test-admin-token";

class node_process {
public:
  /// Starts the node with `args` added and waits until it listens.
  explicit node_process(std::vector<std::string> args = {});
  ~node_process();

  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  uint16_t port() const { return port_; }

  /// SIGTERM, then waits; returns the exit status (-1 if killed by signal).
  int stop();

private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string dir_;
};

} // namespace doorbuster::testing
