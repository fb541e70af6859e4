// Whether a node's /metrics text parses with the Prometheus client
// library's parser and follows its conventions (tests/support/
// check_metrics.py, run with Debian's python3), what Prometheus's own
// linter says of it, and the value of one of its samples.
#pragma once

#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace doorbuster::testing {

/// The value of one sample in a /metrics text, `series` being its name and
/// labels as the node writes them (`name{label="value"}`); nullopt when
/// the text has no such sample.
inline std::optional<int64_t> metric_sample(const std::string& text,
                                            const std::string& series) {
  auto key = series + " ";
  auto at = text.find(key);
  if (at == std::string::npos)
    return std::nullopt;
  return std::stoll(text.substr(at + key.size()));
}

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
