// Starting programs for end-to-end tests: the node binary, and the real
// servers tests talk to besides it (Prometheus).
#pragma once

#include "support/node_process.hpp"

#include <string>
#include <vector>

#include <sys/types.h>

namespace doorbuster::testing {

/// Runs `argv` (argv[0]: the program's path) with the test node's admin
/// token in its environment and its stderr (and, if `with_stdout`, its
/// stdout) in `err_file` (empty: the test's own).
pid_t spawn(const std::vector<std::string>& argv, const std::string& err_file,
            bool with_stdout = false, const launch_options& launch = {});

/// A program running until this object ends it (SIGTERM, then waits),
/// its stdout and stderr in `log_file`.
class child_process {
public:
  child_process(std::vector<std::string> argv, std::string log_file);
  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// False once it exited.
  bool running();
  /// What it printed so far.
  std::string log() const;

private:
  pid_t pid_;
  std::string log_file_;
};

} // namespace doorbuster::testing
