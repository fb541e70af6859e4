#include "http/checkout_input.hpp"

#include "http/json_input.hpp"
#include "http/product_input.hpp"

#include <charconv>
#include <set>

namespace doorbuster::http {

namespace {

api_error ttl_error(const config::checkout_options& limits) {
  return {bhttp::status::bad_request, "ttl_out_of_range",
          "field \"ttl_seconds\" must be an integer from 1 to "
            + std::to_string(limits.max_ttl_s),
          {}, {}, {}};
}

} // namespace

std::optional<api_error> decode_checkout(std::string_view body,
                                         const config::checkout_options& limits,
                                         int64_t max_quantity,
                                         bool reserve_only,
                                         std::string_view vouched,
                                         domain::checkout_request& out) {
  json_input in;
  if (auto err = json_input::parse(body, in))
    return err;
  auto fields = reserve_only ? in.only({"customer_id", "items", "ttl_seconds"})
                             : in.only({"customer_id", "items"});
  if (fields)
    return fields;
  if (auto err = customer_field(in, vouched, out.customer_id))
    return err;
  std::set<std::string> seen;
  std::optional<api_error> duplicate;
  auto read_line = [&](const json_input& item) -> std::optional<api_error> {
    if (auto err = item.only({"sku", "quantity"}))
      return err;
    std::string sku;
    std::optional<int64_t> quantity;
    if (auto err = sku_field(item, sku))
      return err;
    if (auto err = item.integer("quantity", true, 1, max_quantity,
                                quantity)) {
      if (err->code == "invalid_field")
        err->code = "invalid_quantity";
      return err;
    }
    if (!seen.insert(sku).second)
      return api_error{bhttp::status::bad_request, "duplicate_sku",
                       "SKU " + sku + " is given twice; give each SKU once "
                       "with its total quantity",
                       {}, {}, sku};
    out.items.push_back({std::move(sku), *quantity});
    return std::nullopt;
  };
  if (auto err = in.objects("items", limits.max_items, read_line))
    return err;
  out.reserve_only = reserve_only;
  if (reserve_only) {
    std::optional<int64_t> ttl;
    if (in.integer("ttl_seconds", false, 1, limits.max_ttl_s, ttl))
      return ttl_error(limits);
    out.ttl_ms = ttl.value_or(limits.default_ttl_s) * 1000;
  }
  return std::nullopt;
}

std::optional<api_error> decode_extend(std::string_view body,
                                       const config::checkout_options& limits,
                                       int64_t& ttl_ms) {
  json_input in;
  if (auto err = json_input::parse(body, in))
    return err;
  if (auto err = in.only({"ttl_seconds"}))
    return err;
  std::optional<int64_t> ttl;
  if (auto err = in.integer("ttl_seconds", true, 1, limits.max_ttl_s, ttl))
    return err->code == "missing_field" ? err : ttl_error(limits);
  ttl_ms = *ttl * 1000;
  return std::nullopt;
}

std::optional<api_error> decode_empty(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::nullopt;
  json_input in;
  if (auto err = json_input::parse(body, in))
    return err;
  return in.only({});
}

std::optional<uint64_t> parse_checkout_id(std::string_view text) {
  if (text.empty() || text.size() > 20)
    return std::nullopt;
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return id;
}

} // namespace doorbuster::http
