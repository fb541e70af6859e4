// Turns request bodies into the inventory's request values, enforcing the
// API's field rules (types, lengths, ranges, SKU and currency shapes).
#pragma once

#include "actors/product_types.hpp"
#include "http/api_error.hpp"

#include <optional>
#include <string_view>

namespace doorbuster::http {

/// 1 to 64 of [A-Za-z0-9._-].
bool valid_sku(std::string_view sku);

/// A PUT body: every field of a product.
std::optional<api_error> decode_product(std::string_view body,
                                        actors::product_fields& out);

/// One NDJSON line of a bulk load: a PUT body plus "sku".
std::optional<api_error> decode_bulk_line(std::string_view line,
                                          std::string& sku,
                                          actors::product_fields& out);

/// A PATCH body: any product field, or stock_delta instead of stock.
std::optional<api_error> decode_patch(std::string_view body,
                                      actors::product_patch& out);

/// A purchase body: quantity in [1, max_quantity] and customer_id.
std::optional<api_error> decode_purchase(std::string_view body,
                                         int64_t max_quantity,
                                         actors::purchase_request& out);

} // namespace doorbuster::http
