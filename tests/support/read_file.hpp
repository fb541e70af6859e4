// A whole file as a string, for tests that read what a process wrote (its
// log, a history file) or a file of the source tree.
#pragma once

#include <fstream>
#include <iterator>
#include <string>

namespace doorbuster::testing {

/// The file's bytes; empty if it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

} // namespace doorbuster::testing
