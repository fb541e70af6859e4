// Whether a node's /metrics text parses with the Prometheus client
// library's parser and follows its conventions (tests/support/
// check_metrics.py, run with Debian's python3), and what Prometheus's own
// linter says of it.
#pragma once

#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace doorbuster::testing {

/// Writes `text` to a file in `dir` for a checker to read; its path.
inline std::string write_metrics(const std::string& dir,
                                 const std::string& text) {
  auto file = dir + "/metrics.txt";
  if (std::FILE* f = std::fopen(file.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  return file;
}

/// The checker's exit status: 0 when the text is valid.
inline int check_metrics(const std::string& text) {
  auto dir = make_temp_dir("doorbuster-metrics");
  auto file = write_metrics(dir, text);
  auto status = std::system(("/usr/bin/python3 " DOORBUSTER_CHECK_METRICS " < "
                             + file + " > /dev/null")
                              .c_str());
  std::filesystem::remove_all(dir);
  return status;
}

/// `promtool check metrics` on the text: status 0 and no output when it
/// has nothing to say.
inline command_output promtool_check_metrics(const std::string& text) {
  auto dir = make_temp_dir("doorbuster-promtool");
  auto file = write_metrics(dir, text);
  auto out = run_shell("promtool check metrics < " + file);
  std::filesystem::remove_all(dir);
  return out;
}

} // namespace doorbuster::testing
