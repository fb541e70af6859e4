// A console line as words: what the operator typed, split at whitespace.
#pragma once

#include <string>
#include <vector>

namespace doorbuster::console {

/// `line` split at whitespace.
std::vector<std::string> words_of(const std::string& line);

} // namespace doorbuster::console
