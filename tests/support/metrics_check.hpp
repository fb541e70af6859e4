// Whether a node's /metrics text parses with the Prometheus client
// library's parser and follows its conventions (tests/support/
// check_metrics.py, run with Debian's python3).
#pragma once

#include "support/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace doorbuster::testing {

/// The checker's exit status: 0 when the text is valid.
inline int check_metrics(const std::string& text) {
  auto dir = make_temp_dir("doorbuster-metrics");
  auto file = dir + "/metrics.txt";
  if (std::FILE* f = std::fopen(file.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  auto status = std::system(("/usr/bin/python3 " DOORBUSTER_CHECK_METRICS " < "
                             + file + " > /dev/null")
                              .c_str());
  std::filesystem::remove_all(dir);
  return status;
}

} // namespace doorbuster::testing
