#include "http/api.hpp"

#include "http/api_error.hpp"
#include "http/detail/handlers.hpp"
#include "http/metrics.hpp"
#include "http/product_input.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace doorbuster::http {

namespace {

using bhttp::verb;

constexpr std::string_view products_prefix = "/v1/products/";
constexpr std::string_view admin_prefix = "/v1/admin/products/";
constexpr std::string_view bulk_path = "/v1/admin/products:bulk";
constexpr std::string_view purchase_suffix = "/purchase";

enum class route_id {
  healthz,
  readyz,
  metrics,
  products_list,
  categories,
  product,
  purchase,
  admin_product,
  admin_bulk,
};

const std::vector<verb> get_only{verb::get};
const std::vector<verb> post_only{verb::post};
const std::vector<verb> put_or_patch{verb::put, verb::patch};

/// A matched path: which route, its name for metrics, its methods, the SKU.
struct route {
  route_id id;
  const char* name;
  const std::vector<verb>* methods;
  std::string sku;

  bool is_admin() const {
    return id == route_id::admin_product || id == route_id::admin_bulk;
  }
};

std::optional<route> match(std::string_view path) {
  if (path == "/healthz")
    return route{route_id::healthz, "healthz", &get_only, {}};
  if (path == "/readyz")
    return route{route_id::readyz, "readyz", &get_only, {}};
  if (path == "/metrics")
    return route{route_id::metrics, "metrics", &get_only, {}};
  if (path == "/v1/products")
    return route{route_id::products_list, "products_list", &get_only, {}};
  if (path == "/v1/categories")
    return route{route_id::categories, "categories", &get_only, {}};
  if (path == bulk_path)
    return route{route_id::admin_bulk, "admin_bulk", &post_only, {}};
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

response method_not_allowed(const route& r) {
  std::string allow;
  for (auto m : *r.methods) {
    if (!allow.empty())
      allow += ", ";
    allow += std::string{bhttp::to_string(m)};
  }
  auto res = error_response(bhttp::status::method_not_allowed,
                            "method_not_allowed",
                            "this path allows " + allow);
  res.set(bhttp::field::allow, allow);
  return res;
}

} // namespace

api::api(actors::inventory& inv, const api_options& opts)
  : inv_(inv), opts_(opts), auth_(opts.admin_token) {}

size_t api::body_limit(std::string_view target) const {
  return target == bulk_path ? opts_.max_bulk_body_bytes
                             : opts_.max_body_bytes;
}

response api::readiness() const {
  std::vector<std::string> reasons;
  auto now = phase_.load();
  if (now == phase::starting)
    reasons.emplace_back("starting: recovery or catalog load not finished");
  else if (now == phase::stopping)
    reasons.emplace_back("stopping");
  if (opts_.not_ready_reasons)
    for (auto& r : opts_.not_ready_reasons())
      reasons.push_back(std::move(r));
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("ready");
  w.Bool(reasons.empty());
  w.Key("reasons");
  w.StartArray();
  for (const auto& r : reasons)
    w.String(r.c_str(), static_cast<rapidjson::SizeType>(r.size()));
  w.EndArray();
  if (opts_.readiness_details) {
    auto details = opts_.readiness_details();
    w.Key("persistence");
    w.RawValue(details.c_str(), details.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return json_response(reasons.empty() ? bhttp::status::ok
                                       : bhttp::status::service_unavailable,
                       {buf.GetString(), buf.GetSize()});
}

void api::handle(request&& req, responder send) {
  std::string_view target = req.target();
  auto qmark = target.find('?');
  auto path = target.substr(0, qmark);
  auto query = qmark == std::string_view::npos ? std::string_view{}
                                               : target.substr(qmark + 1);
  auto found = match(path);
  const char* name = found ? found->name : "unknown";
  responder counted = [name, send = std::move(send)](response res) {
    metrics::local().count_request(name, res.result_int());
    send(std::move(res));
  };
  if (!found) {
    counted(error_response(bhttp::status::not_found, "not_found",
                           "no such path: " + std::string{path}));
    return;
  }
  auto& r = *found;
  if (std::find(r.methods->begin(), r.methods->end(), req.method())
      == r.methods->end()) {
    counted(method_not_allowed(r));
    return;
  }
  if (r.is_admin() && !auth_.allows(req[bhttp::field::authorization])) {
    auto res = error_response(bhttp::status::unauthorized, "unauthorized",
                              "admin calls need Authorization: Bearer <token>");
    res.set(bhttp::field::www_authenticate, "Bearer");
    counted(std::move(res));
    return;
  }
  detail::context ctx{inv_, opts_};
  switch (r.id) {
    case route_id::healthz:
      counted(json_response(bhttp::status::ok, R"({"status":"ok"})"));
      break;
    case route_id::readyz:
      counted(readiness());
      break;
    case route_id::metrics: {
      response res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, "text/plain; version=0.0.4");
      res.body() = metrics::scrape();
      if (opts_.extra_metrics)
        res.body() += opts_.extra_metrics();
      counted(std::move(res));
      break;
    }
    case route_id::products_list:
      detail::list_products(ctx, query, std::move(counted));
      break;
    case route_id::categories:
      detail::list_categories(ctx, std::move(counted));
      break;
    case route_id::product:
      detail::get_product(ctx, req, std::move(r.sku), std::move(counted));
      break;
    case route_id::purchase:
      detail::purchase(ctx, req, std::move(r.sku), std::move(counted));
      break;
    case route_id::admin_bulk:
      detail::bulk_load(ctx, req, std::move(counted));
      break;
    case route_id::admin_product:
      if (req.method() == verb::put)
        detail::put_product(ctx, req, std::move(r.sku), std::move(counted));
      else
        detail::patch_product(ctx, req, std::move(r.sku), std::move(counted));
      break;
  }
}

} // namespace doorbuster::http
