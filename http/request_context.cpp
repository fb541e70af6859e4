#include "http/request_context.hpp"

#include "http/product_input.hpp"

#include <atomic>
#include <random>

namespace doorbuster::http {

std::string request_id_of(const request& req) {
  auto given = req["X-Request-Id"];
  if (valid_sku(given)) // the same alphabet and length
    return std::string{given};
  return new_request_id();
}

std::string new_request_id() {
  // 15 characters, which a std::string keeps inline (no allocation): 4
  // base-32 digits of a tag drawn per process, '-', and 10 of a counter
  // (2^50 requests).
  static const uint32_t process_tag = std::random_device{}();
  static std::atomic<uint64_t> counter{0};
  constexpr std::string_view digits = "0123456789abcdefghijklmnopqrstuv";
  std::string id(15, '-');
  uint64_t tag = process_tag;
  for (int i = 3; i >= 0; --i, tag >>= 5)
    id[i] = digits[tag & 31];
  uint64_t n = ++counter;
  for (int i = 14; i >= 5; --i, n >>= 5)
    id[i] = digits[n & 31];
  return id;
}

void tag_response(response& res, const std::string& request_id) {
  res.set("X-Request-Id", request_id);
  constexpr std::string_view error_head = R"({"error":{)";
  if (res.result_int() < 400
      || res.body().view().substr(0, error_head.size()) != error_head)
    return;
  // Our error bodies start so; the id's alphabet needs no escaping.
  res.body().text().insert(error_head.size(),
                           "\"request_id\":\"" + request_id + "\",");
}

} // namespace doorbuster::http
