#include "console/words.hpp"

#include <sstream>

namespace doorbuster::console {

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in{line};
  std::vector<std::string> words;
  for (std::string w; in >> w;)
    words.push_back(std::move(w));
  return words;
}

} // namespace doorbuster::console
