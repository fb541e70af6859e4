#include "http/query_string.hpp"

#include <boost/algorithm/hex.hpp>

#include <iterator>

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

std::string decode_path(std::string_view path) {
  if (path.find('%') == std::string_view::npos)
    return std::string{path};
  std::string text{path};
  const char* end = uriUnescapeInPlaceExA(text.data(), URI_FALSE,
                                          URI_BR_DONT_TOUCH);
  text.resize(static_cast<size_t>(end - text.data()));
  return text;
}

std::optional<std::string> decode_cursor(std::string_view cursor) {
  std::string sku;
  try {
    boost::algorithm::unhex(cursor.begin(), cursor.end(),
                            std::back_inserter(sku));
  } catch (const boost::algorithm::hex_decode_error&) {
    return std::nullopt;
  }
  return sku;
}

} // namespace doorbuster::http
