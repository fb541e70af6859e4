#include "http/router.hpp"

#include "http/product_input.hpp"

namespace doorbuster::http {

namespace {

using boost::beast::http::verb;

constexpr std::string_view products_prefix = "/v1/products/";
constexpr std::string_view admin_prefix = "/v1/admin/products/";
constexpr std::string_view purchase_suffix = "/purchase";
constexpr std::string_view reservations_prefix = "/v1/reservations/";

const std::vector<verb> get_only{verb::get};
const std::vector<verb> post_only{verb::post};
const std::vector<verb> put_or_patch{verb::put, verb::patch};
const std::vector<verb> put_only{verb::put};
const std::vector<verb> get_or_delete{verb::get, verb::delete_};

} // namespace

std::optional<route> match(std::string_view path) {
  if (path == "/healthz")
    return route{route_id::healthz, "healthz", &get_only, {}};
  if (path == "/readyz")
    return route{route_id::readyz, "readyz", &get_only, {}};
  if (path == "/metrics")
    return route{route_id::metrics, "metrics", &get_only, {}};
  if (path == "/openapi.yaml")
    return route{route_id::openapi, "openapi", &get_only, {}};
  if (path == "/v1/products")
    return route{route_id::products_list, "products_list", &get_only, {}};
  if (path == "/v1/categories")
    return route{route_id::categories, "categories", &get_only, {}};
  if (path == bulk_path)
    return route{route_id::admin_bulk, "admin_bulk", &post_only, {}};
  if (path == "/v1/admin/logging")
    return route{route_id::admin_logging, "admin_logging", &put_only, {}};
  if (path == "/v1/reservations")
    return route{route_id::reservations, "reservations", &post_only, {}};
  if (path == "/v1/orders")
    return route{route_id::orders, "orders", &post_only, {}};
  if (path.substr(0, reservations_prefix.size()) == reservations_prefix) {
    auto rest = path.substr(reservations_prefix.size());
    auto slash = rest.find('/');
    auto id = std::string{rest.substr(0, slash)};
    if (id.empty())
      return std::nullopt;
    if (slash == std::string_view::npos)
      return route{route_id::reservation, "reservation", &get_or_delete, id};
    if (rest.substr(slash) == "/confirm")
      return route{route_id::reservation_confirm, "reservation_confirm",
                   &post_only, id};
    if (rest.substr(slash) == "/extend")
      return route{route_id::reservation_extend, "reservation_extend",
                   &post_only, id};
    return std::nullopt;
  }
  if (path.substr(0, admin_prefix.size()) == admin_prefix) {
    auto sku = path.substr(admin_prefix.size());
    if (valid_sku(sku))
      return route{route_id::admin_product, "admin_product", &put_or_patch,
                   std::string{sku}};
    return std::nullopt;
  }
  if (path.substr(0, products_prefix.size()) == products_prefix) {
    auto rest = path.substr(products_prefix.size());
    if (valid_sku(rest))
      return route{route_id::product, "product", &get_only, std::string{rest}};
    if (rest.size() > purchase_suffix.size()
        && rest.substr(rest.size() - purchase_suffix.size())
             == purchase_suffix) {
      auto sku = rest.substr(0, rest.size() - purchase_suffix.size());
      if (valid_sku(sku))
        return route{route_id::purchase, "purchase", &post_only,
                     std::string{sku}};
    }
  }
  return std::nullopt;
}

} // namespace doorbuster::http
