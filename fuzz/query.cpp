// Query strings and listing cursors, as a listing request gives them, and
// percent-encoded paths.
#include "http/query_string.hpp"
#include "http/router.hpp"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  if (auto params = doorbuster::http::parse_query(text))
    for (const auto& [key, value] : *params)
      (void)doorbuster::http::decode_cursor(value);
  (void)doorbuster::http::decode_cursor(text);
  (void)doorbuster::http::match(doorbuster::http::decode_path(text));
  return 0;
}
