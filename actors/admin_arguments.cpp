#include "actors/admin_arguments.hpp"

#include "domain/clock.hpp"

#include <charconv>

namespace doorbuster::actors {

namespace {

std::optional<int64_t> number(const std::string& text) {
  int64_t value = 0;
  auto begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

admin_refusal bad_arguments(const std::vector<std::string>& words) {
  return {"bad_arguments",
          "wrong arguments for " + (words.empty() ? std::string{} : words[0])};
}

/// set-stock, adjust-stock and set-price: a whole number in range.
std::optional<admin_refusal> amount(const std::string& text, bool relative,
                                    bool price, domain::product_patch& p) {
  auto value = number(text);
  if (!value)
    return admin_refusal{"bad_number", "not a whole number: " + text};
  if (relative) {
    if (*value < -domain::max_amount || *value > domain::max_amount)
      return admin_refusal{"bad_number", "out of range: " + text};
    p.stock_delta = *value;
    return std::nullopt;
  }
  if (*value < 0 || *value > domain::max_amount)
    return admin_refusal{"bad_number", "must be from 0 to "
                                         + std::to_string(domain::max_amount)};
  (price ? p.price : p.stock) = *value;
  return std::nullopt;
}

std::optional<admin_refusal> window(const std::string& from,
                                    const std::string& to,
                                    domain::product_patch& p) {
  int64_t at[2] = {0, 0};
  for (int i : {0, 1}) {
    const auto& text = i == 0 ? from : to;
    if (text == "none")
      continue;
    auto parsed = domain::parse_utc(text);
    if (!parsed)
      return admin_refusal{"bad_time",
                           "not a UTC time like 2026-11-27T08:00:00Z: "
                             + text};
    at[i] = *parsed;
  }
  if (at[0] != 0 && at[1] != 0 && at[1] <= at[0])
    return admin_refusal{"bad_time", "the end must be after the start"};
  p.sale_starts_at_ms = at[0];
  p.sale_ends_at_ms = at[1];
  return std::nullopt;
}

} // namespace

std::optional<admin_refusal> top_count(const std::vector<std::string>& words,
                                       uint64_t& out) {
  out = 10;
  if (words.size() < 2)
    return std::nullopt;
  auto given = number(words[1]);
  if (words.size() > 2 || !given || *given < 1 || *given > 1000)
    return admin_refusal{"bad_number", "count must be 1 to 1000: " + words[1]};
  out = static_cast<uint64_t>(*given);
  return std::nullopt;
}

std::optional<admin_refusal> skus_query(const std::vector<std::string>& words,
                                        domain::listing_query& out) {
  if (words.size() > 2)
    return bad_arguments(words);
  out.limit = 100;
  // Listings resume after a SKU: start just before the prefix.
  out.after = words.size() == 2 ? words[1] : std::string{};
  if (!out.after.empty())
    out.after.back() = static_cast<char>(out.after.back() - 1);
  return std::nullopt;
}

std::optional<admin_refusal>
product_change(const std::vector<std::string>& words,
               domain::product_patch& out) {
  const auto n = words.size();
  const std::string& command = n > 0 ? words[0] : std::string{};
  if (n == 3 && command == "set-stock")
    return amount(words[2], false, false, out);
  if (n == 3 && command == "adjust-stock")
    return amount(words[2], true, false, out);
  if (n == 3 && command == "set-price")
    return amount(words[2], false, true, out);
  if (n == 2 && (command == "pause" || command == "resume")) {
    out.paused = command == "pause";
    return std::nullopt;
  }
  if (n == 4 && command == "sale-window")
    return window(words[2], words[3], out);
  return bad_arguments(words);
}

} // namespace doorbuster::actors
