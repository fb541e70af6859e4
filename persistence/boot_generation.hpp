// The node's boot generation: a counter in <data-dir>/generation, bumped and
// fsync'd at every start, so ids minted per boot never repeat.
#pragma once

#include <cstdint>
#include <string>

namespace doorbuster::persistence {

/// Increments and durably stores the generation, at least `at_least`;
/// returns the new value. Throws std::runtime_error when the directory or
/// file cannot be used.
uint32_t next_boot_generation(const std::string& data_dir,
                              uint32_t at_least = 1);

} // namespace doorbuster::persistence
