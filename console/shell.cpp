#include "console/shell.hpp"

#include "actors/admin_commands.hpp"
#include "console/commands.hpp"
#include "console/words.hpp"

#include <readline/history.h>
#include <readline/readline.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace doorbuster::console {

namespace {

/// `top` refreshing every second until q (or Ctrl-C's q-less cousins:
/// end of input) is read from the terminal.
int live_top(admin_client& node, const std::vector<std::string>& words,
             bool json) {
  termios saved{};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (!tty)
    return run_command(node, words, json, std::cout, std::cerr);
  auto raw = saved;
  raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
  tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  int status = done;
  for (;;) {
    std::cout << "\x1b[H\x1b[2J";
    status = run_command(node, words, json, std::cout, std::cout);
    std::cout << "\n(refreshing every second; q quits)" << std::flush;
    if (status != done)
      break;
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (poll(&in, 1, 1000) > 0) {
      char c = 0;
      if (read(STDIN_FILENO, &c, 1) <= 0 || c == 'q' || c == 'Q')
        break;
    }
  }
  tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  std::cout << "\n";
  return status;
}

// GNU readline's completion is a C API with global state.
admin_client* completing_for = nullptr;
std::vector<std::string> candidates;

char* next_candidate(const char*, int state) {
  static size_t index;
  if (state == 0)
    index = 0;
  if (index >= candidates.size())
    return nullptr;
  return strdup(candidates[index++].c_str());
}

char** complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1; // never fall back to file names
  candidates.clear();
  std::string prefix{text};
  auto before = words_of(std::string{rl_line_buffer, static_cast<size_t>(start)});
  if (before.empty()) {
    for (const auto& c : actors::admin_commands())
      if (std::string{c.name}.rfind(prefix, 0) == 0)
        candidates.emplace_back(c.name);
  } else if (before.size() == 1) {
    const auto* c = actors::find_admin_command(before[0]);
    if (c != nullptr && c->sku_first) {
      try {
        auto a = completing_for->ask({"skus", prefix});
        if (a.ok)
          for (const auto& line : words_of(render("skus", a.result)))
            candidates.push_back(line);
      } catch (const std::exception&) {
        // no completion when the node does not answer
      }
    } else if (before[0] == "help") {
      for (const auto& cmd : actors::admin_commands())
        if (std::string{cmd.name}.rfind(prefix, 0) == 0)
          candidates.emplace_back(cmd.name);
    }
  }
  return rl_completion_matches(text, next_candidate);
}

} // namespace

int run_command(admin_client& node, const std::vector<std::string>& words,
                bool json, std::ostream& out, std::ostream& err) {
  if (auto problem = check_arguments(words); !problem.empty()) {
    err << problem << "\n";
    return usage;
  }
  if (words[0] == "help") {
    out << help_text(words.size() > 1 ? words[1] : std::string{});
    return done;
  }
  auto a = node.ask(words);
  if (!a.ok) {
    err << "error: " << a.message << " (" << a.code << ")\n";
    return refused;
  }
  out << (json ? a.result + "\n" : render(words[0], a.result));
  return done;
}

int interactive(admin_client& node, const std::string& history_file,
                bool json) {
  completing_for = &node;
  rl_attempted_completion_function = complete;
  using_history();
  // append_history() needs the file to exist.
  if (read_history(history_file.c_str()) != 0)
    write_history(history_file.c_str());
  std::cout << "doorbuster-console: type help for the commands, Ctrl-D to "
               "leave\n";
  int last = done;
  while (char* raw = readline("doorbuster> ")) {
    std::string line{raw};
    std::free(raw);
    auto words = words_of(line);
    if (words.empty())
      continue;
    add_history(line.c_str());
    append_history(1, history_file.c_str());
    if (words[0] == "quit" || words[0] == "exit")
      break;
    try {
      last = words[0] == "top" && check_arguments(words).empty()
               ? live_top(node, words, json)
               : run_command(node, words, json, std::cout, std::cerr);
    } catch (const std::exception& ex) {
      std::cerr << "error: " << ex.what() << "\n";
      last = unreachable;
    }
  }
  return last == unreachable ? unreachable : done;
}

} // namespace doorbuster::console
