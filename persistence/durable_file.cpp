#include "persistence/durable_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace doorbuster::persistence {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

} // namespace

bool write_fully(int fd, const char* data, size_t size, size_t offset) {
  while (size > 0) {
    auto n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<size_t>(n);
  }
  return true;
}

void sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    fail("cannot open directory", dir);
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot sync directory", dir);
  }
  ::close(fd);
}

void replace_file(const std::string& path, std::string_view data) {
  replace_file(path, [data](const auto& write) { write(data); });
}

void replace_file(
  const std::string& path,
  const std::function<void(const std::function<void(std::string_view)>&)>&
    produce) {
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    fail("cannot create", tmp);
  auto abandon = [&] {
    auto error = errno;
    ::close(fd);
    ::unlink(tmp.c_str()); // a full disk must not keep a half-written copy
    errno = error;
  };
  size_t offset = 0;
  try {
    produce([&](std::string_view piece) {
      if (!write_fully(fd, piece.data(), piece.size(), offset))
        fail("cannot write", tmp);
      offset += piece.size();
    });
    if (::fsync(fd) != 0)
      fail("cannot write", tmp);
  } catch (...) {
    abandon();
    throw;
  }
  ::close(fd);
  std::filesystem::rename(tmp, path);
  sync_directory(std::filesystem::path{path}.parent_path().string());
}

} // namespace doorbuster::persistence
