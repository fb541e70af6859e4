#include "persistence/boot_generation.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace doorbuster::persistence {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0)
    fail("cannot open", path);
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot fsync", path);
  }
  ::close(fd);
}

} // namespace

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
  // Write a temporary file and rename it, so a crash leaves either the old
  // or the new value, never a torn one.
  auto tmp = path + ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << generation << '\n';
    if (!out.flush())
      fail("cannot write", tmp);
  }
  fsync_path(tmp, O_RDONLY);
  fs::rename(tmp, path);
  fsync_path(data_dir, O_RDONLY | O_DIRECTORY);
  return generation;
}

} // namespace doorbuster::persistence
