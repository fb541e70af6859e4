// Which route a request path names: the API's paths, each with its name
// for metrics, the methods it takes and the SKU or reservation id in it.
// The path is already percent-decoded (query_string.hpp's decode_path).
#pragma once

#include <boost/beast/http/verb.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorbuster::http {

/// The bulk load's path (its body limit is larger).
constexpr std::string_view bulk_path = "/v1/admin/products:bulk";

enum class route_id {
  healthz,
  readyz,
  metrics,
  openapi,
  products_list,
  categories,
  product,
  purchase,
  admin_product,
  admin_bulk,
  admin_logging,
  reservations,
  reservation,
  reservation_confirm,
  reservation_extend,
  orders,
};

/// A matched path: which route, its name for metrics, its methods, the SKU.
struct route {
  route_id id;
  const char* name;
  const std::vector<boost::beast::http::verb>* methods;
  std::string param; // the SKU or reservation id in the path

  bool is_admin() const {
    return id == route_id::admin_product || id == route_id::admin_bulk
           || id == route_id::admin_logging;
  }
  bool is_read() const {
    return id == route_id::product || id == route_id::products_list
           || id == route_id::categories;
  }
  /// Writes a client pays for from its write budget.
  bool is_client_write() const {
    return id == route_id::purchase || id == route_id::reservations
           || id == route_id::reservation || id == route_id::reservation_confirm
           || id == route_id::reservation_extend || id == route_id::orders;
  }
};

/// The route of `path`, or nullopt (404).
std::optional<route> match(std::string_view path);

} // namespace doorbuster::http
