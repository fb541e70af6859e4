// The operators' command vocabulary, written once: each command's name,
// arguments, usage, help and handler. The node's admin actor runs the
// handlers; doorbuster-console takes its help text, argument checking and
// Tab completion from the same table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace doorbuster::actors {

/// A command being run by the admin actor (actors/detail/admin_call.hpp).
struct admin_call;

/// Answers through the call, now or later.
using admin_handler = void (*)(admin_call& call);

struct admin_command {
  const char* name;
  size_t min_args;
  size_t max_args;
  const char* usage;
  const char* help;
  bool sku_first;      // its first argument is a SKU (Tab-completed)
  admin_handler run;   // nullptr: the console's own (help, quit)
};

/// Every command, in the order help lists them.
const std::vector<admin_command>& admin_commands();

/// The command named `name`, or nullptr.
const admin_command* find_admin_command(std::string_view name);

/// Requires: a known command. Empty if `words` (the command and its
/// arguments) has an argument count it takes, else "usage: ...".
std::string check_admin_arguments(const admin_command& command,
                                  const std::vector<std::string>& words);

} // namespace doorbuster::actors
