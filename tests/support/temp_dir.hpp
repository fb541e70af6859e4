// A fresh directory under the system's temporary directory, for tests that
// work on real files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace doorbuster::testing {

inline std::string make_temp_dir(const std::string& prefix) {
  auto tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX"))
                .string();
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

} // namespace doorbuster::testing
