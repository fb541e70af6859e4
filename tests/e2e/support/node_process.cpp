#include "support/node_process.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace doorbuster::testing {

node_process::node_process(std::vector<std::string> args) {
  std::string tmpl
    = (std::filesystem::temp_directory_path() / "doorbuster-e2e-XXXXXX")
        .string();
  dir_ = mkdtemp(tmpl.data());
  auto port_file = dir_ + "/port";
  std::vector<std::string> argv{DOORBUSTER_BINARY,
                                "--http.address=127.0.0.1",
                                "--http.port=0",
                                "--http.port-file=" + port_file,
                                "--persistence.data-dir=" + dir_ + "/data",
                                "--log.level=warn"};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    setenv("DOORBUSTER_ADMIN_TOKEN", admin_token, 1);
    std::vector<char*> cargs;
    for (auto& a : argv)
      cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in{port_file};
    unsigned port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<uint16_t>(port);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("doorbuster exited during start-up");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  stop();
  throw std::runtime_error("doorbuster did not start within 30 s");
}

node_process::~node_process() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

int node_process::stop() {
  if (pid_ <= 0)
    return 0;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace doorbuster::testing
