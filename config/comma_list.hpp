// Options and headers that list items separated by commas (CORS origins,
// trusted proxies, X-Forwarded-For): the items, trimmed of spaces and tabs,
// empty ones left out.
#pragma once

#include <string_view>
#include <vector>

namespace doorbuster::config {

inline std::vector<std::string_view> comma_list(std::string_view text) {
  std::vector<std::string_view> items;
  while (true) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (!item.empty())
      items.push_back(item);
    if (comma == std::string_view::npos)
      return items;
    text.remove_prefix(comma + 1);
  }
}

} // namespace doorbuster::config
