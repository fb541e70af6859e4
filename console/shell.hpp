// How doorbuster-console runs commands: one at a time for scripts, or an
// interactive GNU readline shell with history, tab completion of commands
// and SKUs, and a live `top`.
#pragma once

#include "console/admin_client.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace doorbuster::console {

/// Exit statuses of one-shot use.
enum exit_status { done = 0, refused = 1, usage = 2, unreachable = 3 };

/// Runs one command and prints its answer (to `out`, errors to `err`).
int run_command(admin_client& node, const std::vector<std::string>& words,
                bool json, std::ostream& out, std::ostream& err);

/// The interactive shell; returns when the user quits.
int interactive(admin_client& node, const std::string& history_file,
                bool json);

} // namespace doorbuster::console
