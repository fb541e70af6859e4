// A console line as the node's admin actor gets it: split into words, and
// every command's arguments decoded (counts, amounts, UTC times, prefixes).
// The first word picks the command; any bytes may follow.
#include "actors/admin_arguments.hpp"
#include "console/words.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace doorbuster;
  auto words = console::words_of(
    std::string{reinterpret_cast<const char*>(data), size});
  uint64_t count = 0;
  (void)actors::top_count(words, count);
  domain::listing_query query;
  (void)actors::skus_query(words, query);
  domain::product_patch change;
  (void)actors::product_change(words, change);
  return 0;
}
