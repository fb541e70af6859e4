#include "support/contract.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <unistd.h>

namespace doorbuster::testing {

namespace {

/// The checker, talked to over two pipes, one line each way.
class checker {
public:
  checker() {
    std::signal(SIGPIPE, SIG_IGN); // a dead checker is a failed write
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0)
      throw std::runtime_error("contract: pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
      dup2(to[0], STDIN_FILENO);
      dup2(from[1], STDOUT_FILENO);
      close(to[1]);
      close(from[0]);
      execl("/usr/bin/python3", "python3", DOORBUSTER_CHECK_CONTRACT,
            DOORBUSTER_OPENAPI, static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to[0]);
    close(from[1]);
    in_ = fdopen(to[1], "w");
    out_ = fdopen(from[0], "r");
  }

  std::string ask(const std::string& line) {
    if (std::fputs(line.c_str(), in_) < 0 || std::fputc('\n', in_) < 0
        || std::fflush(in_) != 0)
      return "contract checker is gone (python3-jsonschema installed?)";
    std::string answer;
    for (int c; (c = std::fgetc(out_)) != EOF && c != '\n';)
      answer.push_back(static_cast<char>(c));
    if (answer.empty())
      return "contract checker is gone (python3-jsonschema installed?)";
    return answer == "ok" ? std::string{} : answer;
  }

private:
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

} // namespace

std::string contract_problem(const std::string& method,
                             const std::string& target, unsigned status,
                             const std::map<std::string, std::string>& headers,
                             const std::string& body) {
  static std::mutex mutex;
  static checker* instance = nullptr; // lives until the process exits
  nlohmann::json r{{"method", method},
                   {"target", target},
                   {"status", status},
                   {"headers", headers},
                   {"body", body}};
  auto line = r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock{mutex};
  if (!instance)
    instance = new checker;
  return instance->ask(line);
}

} // namespace doorbuster::testing
