#include "http/detail/ask.hpp"

#include "http/api_error.hpp"

namespace doorbuster::http::detail {

response no_answer(std::chrono::steady_clock::time_point deadline) {
  auto late = std::chrono::steady_clock::now() > deadline;
  return to_response(from_errc(late ? domain::errc::deadline_exceeded
                                    : domain::errc::unavailable,
                               {}));
}

} // namespace doorbuster::http::detail
