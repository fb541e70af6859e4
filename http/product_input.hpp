// Turns request bodies into the inventory's request values, enforcing the
// API's field rules (types, lengths, ranges, SKU and currency shapes).
#pragma once

#include "domain/product.hpp"
#include "domain/purchase.hpp"
#include "http/api_error.hpp"

#include <optional>
#include <string_view>

namespace doorbuster::http {

class json_input;

/// 1 to 64 of [A-Za-z0-9._-].
bool valid_sku(std::string_view sku);

/// The required field "sku": a valid SKU.
std::optional<api_error> sku_field(const json_input& in, std::string& out);

/// The field "customer_id": 1 to 128 bytes. With a customer `vouched`
/// for by a trusted gateway it is optional, must name that customer if
/// given (else 403 customer_mismatch), and `out` is that customer.
std::optional<api_error> customer_field(const json_input& in,
                                        std::string_view vouched,
                                        std::string& out);

/// A PUT body: every field of a product.
std::optional<api_error> decode_product(std::string_view body,
                                        domain::product_fields& out);

/// One NDJSON line of a bulk load: a PUT body plus "sku".
std::optional<api_error> decode_bulk_line(std::string_view line,
                                          std::string& sku,
                                          domain::product_fields& out);

/// A PATCH body: any product field, or stock_delta instead of stock.
std::optional<api_error> decode_patch(std::string_view body,
                                      domain::product_patch& out);

/// A purchase body: quantity in [1, max_quantity] and customer_id (see
/// customer_field for `vouched`).
std::optional<api_error> decode_purchase(std::string_view body,
                                         int64_t max_quantity,
                                         std::string_view vouched,
                                         domain::purchase_request& out);

} // namespace doorbuster::http
