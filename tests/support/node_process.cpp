#include "support/node_process.hpp"
#include "support/child_process.hpp"
#include "support/read_file.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace doorbuster::testing {

namespace fs = std::filesystem;


node_process::node_process(std::vector<std::string> args, std::string data_dir,
                           launch_options launch)
  : dir_(make_temp_dir("doorbuster-e2e")), data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    data_dir_ = dir_ + "/data";
    owns_data_ = true;
  }
  tls_dir_ = data_dir_ + "/tls";
  for (const auto& arg : args)
    if (arg.rfind("--tls.dir=", 0) == 0)
      tls_dir_ = arg.substr(10);
  auto port_file = dir_ + "/port";
  auto admin_port_file = dir_ + "/admin-port";
  std::vector<std::string> argv{DOORBUSTER_BINARY,
                                "--admin.port=0",
                                "--admin.port-file=" + admin_port_file,
                                "--http.address=127.0.0.1",
                                "--http.port="
                                  + std::to_string(launch.http_port),
                                "--http.port-file=" + port_file,
                                "--persistence.data-dir=" + data_dir_,
                                "--log.level=warn",
                                // Tests buy and reserve far more than a
                                // shopper would, all from one address;
                                // tests of the limits set their own.
                                "--limits.write-rate-per-min=0",
                                "--checkout.max-holds-per-client=0"};
  argv.insert(argv.end(), args.begin(), args.end());
  if (launch.uid != 0) { // its files are its own
    if (owns_data_)
      fs::create_directories(data_dir_);
    for (const auto& entry : fs::recursive_directory_iterator{dir_})
      (void)chown(entry.path().c_str(), launch.uid, launch.uid);
    (void)chown(dir_.c_str(), launch.uid, launch.uid);
  }
  pid_ = spawn(argv, launch.log_to_file ? dir_ + "/stderr" : std::string{},
               false, launch);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in{port_file};
    unsigned port = 0;
    if (in >> port && port > 0) {
      // The admin actor is published before the HTTP port is written.
      std::ifstream admin_in{admin_port_file};
      unsigned admin_port = 0;
      admin_in >> admin_port;
      port_ = static_cast<uint16_t>(port);
      admin_port_ = static_cast<uint16_t>(admin_port);
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
  throw std::runtime_error("doorbuster did not start within 60 s");
}

node_process::~node_process() {
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
  if (owns_data_)
    fs::remove_all(data_dir_, ignored);
}

std::string node_process::log() const {
  return read_file(dir_ + "/stderr");
}

std::string node_process::console_command() const {
  return std::string{DOORBUSTER_CONSOLE} + " --connect=127.0.0.1:"
         + std::to_string(admin_port_) + " --tls-dir=" + tls_dir_;
}

int node_process::stop() {
  if (pid_ <= 0)
    return 0;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void node_process::kill_hard() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool node_process::running() {
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_)
    pid_ = -1;
  return pid_ > 0;
}

void node_process::signal(int signal) {
  if (pid_ > 0)
    ::kill(pid_, signal);
}

int run_node_to_exit(std::vector<std::string> args, std::string& output) {
  auto dir = make_temp_dir("doorbuster-run");
  auto err_file = dir + "/stderr";
  args.insert(args.begin(), DOORBUSTER_BINARY);
  auto pid = spawn(args, err_file, true);
  int status = 0;
  // A node that hangs instead of exiting fails here, not at ctest's timeout.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      output += "[the node did not exit within 60 s; killed]\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  output += read_file(err_file);
  fs::remove_all(dir);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace doorbuster::testing
