// A real doorbuster process for end-to-end tests: started on a free port
// with its own data directory (kept across restarts), stopped with SIGTERM
// or killed with SIGKILL.
#pragma once

#include "support/temp_dir.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace doorbuster::testing {

inline constexpr const char* admin_token = "test-admin-token";

/// How to start the process, beyond its arguments.
struct launch_options {
  uint64_t open_files = 0; // RLIMIT_NOFILE, soft and hard; 0: inherited
  bool log_to_file = false; // stderr into a file (log()), not the test's
  uint16_t http_port = 0;   // 0: a free one
  /// Runs as this user id (tests as root: nftables tells a node's packets
  /// by their socket's owner); 0: the test's own.
  unsigned uid = 0;
  /// More environment variables (name, value), e.g. DOORBUSTER_FAILPOINT.
  std::vector<std::pair<std::string, std::string>> env;
};

class node_process {
public:
  /// Starts the node with `args` added and waits until it listens. With an
  /// empty `data_dir` the node gets a fresh one, deleted with this object.
  explicit node_process(std::vector<std::string> args = {},
                        std::string data_dir = {},
                        launch_options launch = {});
  ~node_process();

  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  uint16_t port() const { return port_; }
  /// The admin actor's port (doorbuster-console).
  uint16_t admin_port() const { return admin_port_; }
  const std::string& data_dir() const { return data_dir_; }
  /// Its TLS identity (tls.dir): given with --tls.dir, else made by the
  /// node in its data directory.
  const std::string& tls_dir() const { return tls_dir_; }
  /// doorbuster-console's command line for this node's admin port (the
  /// token comes from the environment).
  std::string console_command() const;

  /// SIGTERM, then waits; returns the exit status (-1 if killed by signal).
  int stop();

  /// SIGKILL: no chance to flush anything.
  void kill_hard();

  /// Sends `signal` (SIGSTOP, SIGCONT) and leaves the process be.
  void signal(int signal);

  pid_t pid() const { return pid_; }

  /// False once the process has exited (it is reaped then).
  bool running();

  /// What it wrote to stderr so far (with launch_options::log_to_file).
  std::string log() const;

private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  uint16_t admin_port_ = 0;
  std::string dir_;      // port file, owned
  std::string data_dir_;
  std::string tls_dir_;
  bool owns_data_ = false;
};

/// Runs the node binary with `args` to completion; returns its exit status
/// and appends what it printed (stdout and stderr) to `output`. A node
/// still running after 60 s is killed: -1.
int run_node_to_exit(std::vector<std::string> args, std::string& output);

} // namespace doorbuster::testing
