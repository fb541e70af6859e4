// Runs a shell command line for end-to-end tests (the console binary, tmux)
// and returns its exit status with its stdout and stderr.
#pragma once

#include <string>

namespace doorbuster::testing {

struct command_output {
  int status = -1; // exit status; -1 if it did not exit normally
  std::string output; // stdout and stderr, interleaved
};

command_output run_shell(const std::string& line);

} // namespace doorbuster::testing
