#include "http/product_input.hpp"

#include "http/client_identity.hpp"
#include "http/json_input.hpp"

#include <algorithm>

namespace doorbuster::http {

namespace {

constexpr size_t max_name = 200;
constexpr size_t max_description = 4000;
constexpr size_t max_category = 64;
constexpr int64_t max_hold_seconds = 7 * 24 * 3600;

api_error invalid(std::string message) {
  return {bhttp::status::bad_request, "invalid_field", std::move(message),
          {}, {}, {}};
}

bool valid_currency(const std::string& c) {
  return c.size() == 3
         && std::all_of(c.begin(), c.end(),
                        [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

std::optional<api_error> product_fields_of(const json_input& in,
                                           domain::product_fields& out) {
  std::optional<std::string> name, description, category, currency;
  std::optional<int64_t> price, stock;
  if (auto err = in.text("name", true, max_name, name))
    return err;
  if (auto err = in.text("description", true, max_description, description,
                         0))
    return err;
  if (auto err = in.text("category", true, max_category, category))
    return err;
  if (auto err = in.integer("price", true, 0, domain::max_amount, price))
    return err;
  if (auto err = in.text("currency", true, 3, currency))
    return err;
  if (!valid_currency(*currency))
    return invalid("field \"currency\" must be three upper-case letters");
  if (auto err = in.integer("stock", true, 0, domain::max_amount, stock))
    return err;
  out = {std::move(*name),  std::move(*description), std::move(*category),
         *price,            std::move(*currency),    *stock};
  return std::nullopt;
}

} // namespace

bool valid_sku(std::string_view sku) {
  return !sku.empty() && sku.size() <= 64
         && std::all_of(sku.begin(), sku.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                     || (c >= '0' && c <= '9') || c == '.' || c == '_'
                     || c == '-';
            });
}

std::optional<api_error> sku_field(const json_input& in, std::string& out) {
  std::optional<std::string> given;
  if (auto err = in.text("sku", true, 64, given))
    return err;
  if (!valid_sku(*given))
    return invalid("field \"sku\" must be 1 to 64 of A-Z a-z 0-9 . _ -");
  out = std::move(*given);
  return std::nullopt;
}

std::optional<api_error> customer_field(const json_input& in,
                                        std::string_view vouched,
                                        std::string& out) {
  std::optional<std::string> customer;
  if (auto err = in.text("customer_id", vouched.empty(), max_customer_id,
                         customer))
    return err;
  if (!vouched.empty() && customer && *customer != vouched)
    return api_error{bhttp::status::forbidden, "customer_mismatch",
                     "field \"customer_id\" names another customer than the "
                     "one this request is authenticated as",
                     {}, {}, {}};
  out = vouched.empty() ? std::move(*customer) : std::string{vouched};
  return std::nullopt;
}

std::optional<api_error> decode_product(std::string_view body,
                                        domain::product_fields& out) {
  json_input in;
  if (auto err = json_input::parse(body, in))
    return err;
  if (auto err = in.only({"name", "description", "category", "price",
                          "currency", "stock"}))
    return err;
  return product_fields_of(in, out);
}

std::optional<api_error> decode_bulk_line(std::string_view line,
                                          std::string& sku,
                                          domain::product_fields& out) {
  json_input in;
  if (auto err = json_input::parse(line, in))
    return err;
  if (auto err = in.only({"sku", "name", "description", "category", "price",
                          "currency", "stock"}))
    return err;
  if (auto err = sku_field(in, sku))
    return err;
  return product_fields_of(in, out);
}

std::optional<api_error> decode_patch(std::string_view body,
                                      domain::product_patch& out) {
  json_input in;
  if (auto err = json_input::parse(body, in))
    return err;
  if (auto err = in.only({"name", "description", "category", "price",
                          "currency", "stock", "stock_delta", "max_per_order",
                          "max_per_customer", "max_hold_seconds",
                          "sale_starts_at", "sale_ends_at", "paused"}))
    return err;
  if (auto err = in.text("name", false, max_name, out.name))
    return err;
  if (auto err = in.text("description", false, max_description,
                         out.description, 0))
    return err;
  if (auto err = in.text("category", false, max_category, out.category))
    return err;
  if (auto err = in.integer("price", false, 0, domain::max_amount, out.price))
    return err;
  if (auto err = in.text("currency", false, 3, out.currency))
    return err;
  if (out.currency && !valid_currency(*out.currency))
    return invalid("field \"currency\" must be three upper-case letters");
  if (auto err = in.integer("stock", false, 0, domain::max_amount, out.stock))
    return err;
  if (auto err = in.integer("stock_delta", false, -domain::max_amount,
                            domain::max_amount, out.stock_delta))
    return err;
  if (out.stock && out.stock_delta)
    return invalid("give either \"stock\" or \"stock_delta\", not both");
  // Limits: 0 clears one.
  if (auto err = in.integer("max_per_order", false, 0, domain::max_amount,
                            out.max_per_order))
    return err;
  if (auto err = in.integer("max_per_customer", false, 0, domain::max_amount,
                            out.max_per_customer))
    return err;
  if (auto err = in.integer("max_hold_seconds", false, 0, max_hold_seconds,
                            out.max_hold_s))
    return err;
  if (auto err = in.instant_or_null("sale_starts_at", out.sale_starts_at_ms))
    return err;
  if (auto err = in.instant_or_null("sale_ends_at", out.sale_ends_at_ms))
    return err;
  if (out.sale_starts_at_ms && out.sale_ends_at_ms && *out.sale_starts_at_ms
      && *out.sale_ends_at_ms && *out.sale_ends_at_ms <= *out.sale_starts_at_ms)
    return invalid("\"sale_ends_at\" must be after \"sale_starts_at\"");
  if (auto err = in.boolean("paused", false, out.paused))
    return err;
  return std::nullopt;
}

std::optional<api_error> decode_purchase(std::string_view body,
                                         int64_t max_quantity,
                                         std::string_view vouched,
                                         domain::purchase_request& out) {
  json_input in;
  if (auto err = json_input::parse(body, in))
    return err;
  if (auto err = in.only({"quantity", "customer_id"}))
    return err;
  std::optional<int64_t> quantity;
  if (auto err = in.integer("quantity", true, 1, max_quantity, quantity)) {
    if (err->code == "invalid_field")
      err->code = "invalid_quantity";
    return err;
  }
  if (auto err = customer_field(in, vouched, out.customer_id))
    return err;
  out.quantity = *quantity;
  return std::nullopt;
}

} // namespace doorbuster::http
