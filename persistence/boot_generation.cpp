#include "persistence/boot_generation.hpp"

#include "persistence/durable_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace doorbuster::persistence {

uint32_t next_boot_generation(const std::string& data_dir, uint32_t at_least) {
  namespace fs = std::filesystem;
  fs::create_directories(data_dir);
  auto path = (fs::path{data_dir} / "generation").string();
  uint32_t generation = 0;
  if (std::ifstream in{path}; in) {
    if (!(in >> generation))
      throw std::runtime_error("corrupt boot generation file " + path);
  }
  generation = std::max(generation + 1, at_least);
  replace_file(path, std::to_string(generation) + "\n");
  return generation;
}

} // namespace doorbuster::persistence
