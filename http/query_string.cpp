#include "http/query_string.hpp"

#include <uriparser/Uri.h>

namespace doorbuster::http {

std::optional<std::map<std::string, std::string>>
parse_query(std::string_view query) {
  std::map<std::string, std::string> result;
  if (query.empty())
    return result;
  UriQueryListA* list = nullptr;
  int count = 0;
  if (uriDissectQueryMallocExA(&list, &count, query.data(),
                             query.data() + query.size(), URI_TRUE,
                             URI_BR_DONT_TOUCH)
      != URI_SUCCESS)
    return std::nullopt;
  for (auto* item = list; item != nullptr; item = item->next)
    result.emplace(item->key, item->value ? item->value : "");
  uriFreeQueryListA(list);
  return result;
}

} // namespace doorbuster::http
