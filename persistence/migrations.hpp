// The SQL migrations of persistence/migrations/, compiled into the binary
// (CMake generates their definition), in version order.
#pragma once

#include <vector>

namespace doorbuster::persistence {

struct migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<migration>& migrations();

} // namespace doorbuster::persistence
