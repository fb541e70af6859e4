#include "support/shell_command.hpp"

#include <array>
#include <cstdio>

#include <sys/wait.h>

namespace doorbuster::testing {

command_output run_shell(const std::string& line) {
  command_output run;
  auto* pipe = popen((line + " 2>&1").c_str(), "r");
  if (pipe == nullptr)
    return run;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), pipe)) > 0;)
    run.output.append(buf.data(), n);
  int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

} // namespace doorbuster::testing
