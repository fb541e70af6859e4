// The console's side of the commands: checking a line's words and the
// help text against the node's command table (actors/admin_commands.hpp),
// and showing each answer as an aligned table or as JSON.
#pragma once

#include <string>
#include <vector>

namespace doorbuster::console {

/// Checks the argument count; empty if fine, else the message to show.
std::string check_arguments(const std::vector<std::string>& words);

/// The help text: all commands, or one.
std::string help_text(const std::string& about = {});

/// A successful answer's `result` for a terminal.
std::string render(const std::string& command, const std::string& result_json);

} // namespace doorbuster::console
