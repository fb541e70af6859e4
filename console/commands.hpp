// The console's commands: names, arguments, help, and how to show each
// answer as an aligned table or as JSON.
#pragma once

#include <string>
#include <vector>

namespace doorbuster::console {

struct command {
  const char* name;
  size_t min_args;
  size_t max_args;
  const char* usage;
  const char* help;
  bool sku_first; // its first argument is a SKU (tab-completed)
};

const std::vector<command>& commands();

/// The command named `name`, or nullptr.
const command* find_command(const std::string& name);

/// `line` split at whitespace.
std::vector<std::string> words_of(const std::string& line);

/// Checks the argument count; empty if fine, else the message to show.
std::string check_arguments(const std::vector<std::string>& words);

/// The help text: all commands, or one.
std::string help_text(const std::string& about = {});

/// A successful answer's `result` for a terminal.
std::string render(const std::string& command, const std::string& result_json);

} // namespace doorbuster::console
