#include "support/child_process.hpp"
#include "support/read_file.hpp"

#include <csignal>
#include <cstdio>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace doorbuster::testing {

pid_t spawn(const std::vector<std::string>& argv, const std::string& err_file,
            bool with_stdout, const launch_options& launch) {
  auto open_files = launch.open_files;
  auto uid = launch.uid;
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& [name, value] : launch.env)
      setenv(name.c_str(), value.c_str(), 1);
    if (uid != 0 && (setgid(uid) != 0 || setuid(uid) != 0))
      _exit(126);
    setenv("DOORBUSTER_ADMIN_TOKEN", admin_token, 1);
    if (open_files != 0) {
      rlimit files{open_files, open_files};
      setrlimit(RLIMIT_NOFILE, &files);
    }
    if (!err_file.empty()) {
      auto f = std::fopen(err_file.c_str(), "w");
      if (f) {
        dup2(fileno(f), STDERR_FILENO);
        if (with_stdout)
          dup2(fileno(f), STDOUT_FILENO);
      }
    }
    std::vector<char*> cargs;
    for (const auto& a : argv)
      cargs.push_back(const_cast<char*>(a.c_str()));
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  return pid;
}


child_process::child_process(std::vector<std::string> argv,
                             std::string log_file)
  : pid_(spawn(argv, log_file, true)), log_file_(std::move(log_file)) {}

child_process::~child_process() {
  if (!running())
    return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

bool child_process::running() {
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_)
    pid_ = -1;
  return pid_ > 0;
}

std::string child_process::log() const {
  return read_file(log_file_);
}

} // namespace doorbuster::testing
