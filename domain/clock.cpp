#include "domain/clock.hpp"

#include <charconv>
#include <chrono>
#include <ctime>

namespace doorbuster::domain {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string format_utc(int64_t unix_ms) {
  auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  auto millis = static_cast<int>(unix_ms % 1000);
  if (millis < 0) {
    --seconds;
    millis += 1000;
  }
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  auto n = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &parts);
  std::snprintf(text + n, sizeof(text) - n, ".%03dZ", millis);
  return text;
}

std::optional<int64_t> parse_utc(std::string_view text) {
  std::string copy{text}; // strptime needs a terminated string
  std::tm parts{};
  const char* rest = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
  if (rest == nullptr || rest - copy.c_str() != 19) // exactly 4-2-2T2:2:2
    return std::nullopt;
  int millis = 0;
  if (*rest == '.') {
    const char* digits = rest + 1;
    const char* end = digits;
    while (*end >= '0' && *end <= '9')
      ++end;
    auto count = end - digits;
    if (count < 1 || count > 3)
      return std::nullopt;
    std::from_chars(digits, end, millis);
    for (auto i = count; i < 3; ++i)
      millis *= 10;
    rest = end;
  }
  if (std::string_view{rest} != "Z")
    return std::nullopt;
  auto seconds = timegm(&parts);
  if (seconds == -1 && parts.tm_year != 69)
    return std::nullopt;
  return int64_t{seconds} * 1000 + millis;
}

} // namespace doorbuster::domain
