#include "http/request_context.hpp"

#include "http/product_input.hpp"

#include <atomic>
#include <cstdio>
#include <random>

namespace doorbuster::http {

std::string request_id_of(const request& req) {
  auto given = req["X-Request-Id"];
  if (valid_sku(given)) // the same alphabet and length
    return std::string{given};
  return new_request_id();
}

std::string new_request_id() {
  static const uint32_t process_tag = std::random_device{}();
  static std::atomic<uint64_t> counter{0};
  char id[32];
  std::snprintf(id, sizeof(id), "%08x-%010llx", process_tag,
                static_cast<unsigned long long>(++counter));
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
