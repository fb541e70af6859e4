// Turns reservation and order bodies into checkout requests: customer,
// 1..max_items lines of distinct SKUs with quantities in range, and a TTL.
#pragma once

#include "config/options.hpp"
#include "domain/checkout.hpp"
#include "http/api_error.hpp"

#include <optional>
#include <string_view>

namespace doorbuster::http {

/// POST /v1/reservations (`reserve_only`) or POST /v1/orders: at most
/// `limits.max_items` lines, quantities up to `max_quantity`, a TTL up to
/// `limits.max_ttl_s` (default `limits.default_ttl_s`).
std::optional<api_error> decode_checkout(std::string_view body,
                                         const config::checkout_options& limits,
                                         int64_t max_quantity,
                                         bool reserve_only,
                                         std::string_view vouched,
                                         domain::checkout_request& out);

/// POST /v1/reservations/{id}/extend: {"ttl_seconds": n}.
std::optional<api_error> decode_extend(std::string_view body,
                                       const config::checkout_options& limits,
                                       int64_t& ttl_ms);

/// A body that must be empty or {} (confirm).
std::optional<api_error> decode_empty(std::string_view body);

/// A reservation id from the path: 1 to 20 digits within uint64.
std::optional<uint64_t> parse_checkout_id(std::string_view text);

} // namespace doorbuster::http
