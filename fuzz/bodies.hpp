// Every JSON body decoder of the API, chosen by a selector: what the
// request-path and body targets feed. Decoders answer with an api_error,
// never by throwing or crashing.
#pragma once

#include "config/options.hpp"
#include "http/checkout_input.hpp"
#include "http/product_input.hpp"

#include <cstdint>
#include <string_view>

namespace doorbuster::fuzz {

enum class body_kind : uint8_t {
  product, bulk_line, patch, purchase, reservation, order, extend, empty,
  count
};

/// Half the inputs decode as a gateway's authenticated customer's.
inline std::string_view vouched(std::string_view body) {
  return body.size() % 2 == 0 ? std::string_view{} : "gateway-customer";
}

/// Decodes `body` as `kind` (with the node's default limits).
inline void decode_body(body_kind kind, std::string_view body) {
  static const config::checkout_options limits{};
  constexpr int64_t max_quantity = 1000;
  switch (kind) {
    case body_kind::product: {
      domain::product_fields out;
      (void)http::decode_product(body, out);
      break;
    }
    case body_kind::bulk_line: {
      std::string sku;
      domain::product_fields out;
      (void)http::decode_bulk_line(body, sku, out);
      break;
    }
    case body_kind::patch: {
      domain::product_patch out;
      (void)http::decode_patch(body, out);
      break;
    }
    case body_kind::purchase: {
      domain::purchase_request out;
      (void)http::decode_purchase(body, max_quantity, vouched(body), out);
      break;
    }
    case body_kind::reservation:
    case body_kind::order: {
      domain::checkout_request out;
      (void)http::decode_checkout(body, limits, max_quantity,
                                  kind == body_kind::reservation,
                                  vouched(body), out);
      break;
    }
    case body_kind::extend: {
      int64_t ttl_ms = 0;
      (void)http::decode_extend(body, limits, ttl_ms);
      break;
    }
    case body_kind::empty:
    case body_kind::count:
      (void)http::decode_empty(body);
      break;
  }
}

} // namespace doorbuster::fuzz
