#include "http/api.hpp"

#include "http/actor_bridge.hpp"
#include "http/api_error.hpp"
#include "http/detail/ask.hpp"
#include "http/detail/handlers.hpp"
#include "http/json_input.hpp"
#include "http/metrics.hpp"
#include "http/openapi.hpp"
#include "http/product_input.hpp"
#include "http/query_string.hpp"
#include "http/router.hpp"
#include "config/version.hpp"
#include "telemetry/prometheus_text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace doorbuster::http {

namespace {

using bhttp::verb;

/// The methods a route takes, as Allow lists them.
std::string allow_list(const route& r) {
  std::string allow;
  for (auto m : *r.methods) {
    if (!allow.empty())
      allow += ", ";
    allow += std::string{bhttp::to_string(m)};
    if (m == verb::get)
      allow += ", HEAD";
  }
  return allow;
}

response method_not_allowed(const route& r) {
  auto allow = allow_list(r);
  auto res = error_response(bhttp::status::method_not_allowed,
                            "method_not_allowed",
                            "this path allows " + allow);
  res.set(bhttp::field::allow, allow);
  return res;
}

/// A path for a message: bytes outside printable ASCII as %XX, so that an
/// error body stays valid JSON (UTF-8) whatever the client sent.
std::string printable(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

} // namespace

api::api(actors::inventory& inv, actors::admin_actor admin,
         actor_bridge& bridge, const config::options& opts, api_hooks hooks)
  : inv_(inv),
    admin_(std::move(admin)),
    bridge_(bridge),
    opts_(opts),
    hooks_(std::move(hooks)),
    auth_(opts.admin.token),
    identity_(opts.http),
    writes_(opts.limits.write_rate_per_min / 60.0, opts.limits.write_burst,
            opts.limits.max_clients),
    reads_(opts.limits.read_rate_per_s, opts.limits.read_burst,
           opts.limits.max_clients),
    searches_(opts.limits.search_rate_per_s, opts.limits.search_burst,
              opts.limits.max_clients),
    cors_(opts.http.cors_origins),
    access_log_(opts.log.access),
    cache_control_("public, max-age="
                   + std::to_string(opts.http.cache_max_age_s)) {}

void api::set_logging(const request& req, const request_context& ctx,
                      responder send) {
  json_input in;
  std::optional<std::string> level;
  std::optional<bool> access;
  std::optional<api_error> err = json_input::parse(req.body(), in);
  if (!err)
    err = in.only({"level", "access_log"});
  if (!err)
    err = in.text("level", false, 16, level);
  if (!err)
    err = in.boolean("access_log", false, access);
  if (err) {
    send(to_response(*err));
    return;
  }
  // The access log is this layer's own; the log level is an operator
  // command of the admin actor.
  auto answer = [this, access, send](std::string problem) {
    if (!problem.empty()) {
      send(error_response(bhttp::status::bad_request, "invalid_field",
                          problem));
      return;
    }
    if (access)
      access_log_ = *access;
    // The names log.level takes; spdlog calls warn "warning".
    auto level = spdlog::get_level();
    auto name = spdlog::level::to_string_view(level);
    std::string_view now = level == spdlog::level::warn
                             ? std::string_view{"warn"}
                             : std::string_view{name.data(), name.size()};
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w{buf};
    w.StartObject();
    w.Key("level");
    w.String(now.data(), static_cast<rapidjson::SizeType>(now.size()));
    w.Key("access_log");
    w.Bool(access_log_);
    w.EndObject();
    send(json_response(bhttp::status::ok, {buf.GetString(), buf.GetSize()}));
  };
  if (!level) {
    answer({});
    return;
  }
  detail::context hctx{inv_, admin_, bridge_, opts_, ctx, &cache_control_};
  detail::ask<std::string>(
    hctx, admin_, std::move(send),
    [answer](std::string& problem, responder&) { answer(std::move(problem)); },
    actors::log_atom::value, std::move(*level));
}

namespace {

response rate_limited(const rate_limiter::decision& d) {
  auto res = error_response(bhttp::status::too_many_requests, "rate_limited",
                            "this client is over its request budget");
  auto up = [](double s) { return std::to_string(static_cast<long>(std::ceil(s))); };
  res.set(bhttp::field::retry_after, up(d.retry_after_s));
  res.set("RateLimit-Limit", std::to_string(static_cast<long>(d.limit)));
  res.set("RateLimit-Remaining",
          std::to_string(static_cast<long>(std::floor(d.remaining))));
  res.set("RateLimit-Reset", up(d.reset_s));
  return res;
}

} // namespace

size_t api::body_limit(std::string_view target) const {
  return target == bulk_path ? opts_.http.max_bulk_body_bytes
                             : opts_.http.max_body_bytes;
}

std::chrono::milliseconds api::time_limit(std::string_view target) const {
  std::chrono::milliseconds limit{opts_.http.request_timeout_ms};
  if (target == bulk_path)
    return std::max<std::chrono::milliseconds>(limit, actors::bulk_timeout);
  return limit;
}

std::vector<std::string> api::not_ready_reasons() const {
  std::vector<std::string> reasons;
  auto now = phase_.load();
  if (now == phase::starting)
    reasons.emplace_back("starting: recovery or catalog load not finished");
  else if (now == phase::stopping)
    reasons.emplace_back("stopping");
  if (draining_)
    reasons.emplace_back("draining: new writes are refused for maintenance");
  if (hooks_.not_ready_reasons)
    for (auto& r : hooks_.not_ready_reasons())
      reasons.push_back(std::move(r));
  return reasons;
}

std::string api::node_metrics() const {
  telemetry::prometheus_text out;
  out.single("doorbuster_ready", "gauge",
             "1 while /readyz answers 200, else 0.",
             not_ready_reasons().empty() ? 1 : 0);
  out.family("doorbuster_build_info", "gauge",
             "The running build: always 1, with its version and commit.")
    .sample("doorbuster_build_info",
            std::string{"version=\""} + config::version() + "\",commit=\""
              + config::commit() + "\"",
            1);
  return out.str();
}

response api::readiness() const {
  auto reasons = not_ready_reasons();
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
  if (hooks_.readiness_details)
    for (const auto& [key, json] : hooks_.readiness_details()) {
      w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
      w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
    }
  w.EndObject();
  return json_response(reasons.empty() ? bhttp::status::ok
                                       : bhttp::status::service_unavailable,
                       {buf.GetString(), buf.GetSize()});
}

void api::handle(request&& req, request_context ctx, responder send) {
  ctx.who = identity_.identify(req, ctx.who.address);
  std::string_view target = req.target();
  auto qmark = target.find('?');
  auto path = target.substr(0, qmark);
  auto query = qmark == std::string_view::npos ? std::string_view{}
                                               : target.substr(qmark + 1);
  auto decoded = decode_path(path);
  auto found = match(decoded);
  const char* name = found ? found->name : "unknown";
  // A browser storefront on an allowed origin may read public answers.
  auto cors_origin = found && !found->is_admin()
                       ? cors_.allow(req[bhttp::field::origin])
                       : std::nullopt;
  responder counted = [this, name, method = req.method(),
                       target = std::string{target}, ctx, cors_origin,
                       send = std::move(send)](response res) {
    if (cors_origin)
      cors_policy::grant(res, *cors_origin);
    auto seconds = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - ctx.received)
                     .count();
    metrics::local().count_request(name, res.result_int(), seconds);
    tag_response(res, ctx.request_id);
    if (res.result_int() >= 500)
      spdlog::warn("request {}: {} {} answered {}", ctx.request_id,
                   bhttp::to_string(method), target, res.result_int());
    if (access_log_)
      spdlog::info("access {} {} {} {} {:.3f} ms id={}", ctx.who.key(),
                   bhttp::to_string(method), target, res.result_int(),
                   seconds * 1000, ctx.request_id);
    send(std::move(res));
  };
  // HEAD is GET without the body (RFC 9110 9.3.2): routed as GET; the
  // session leaves the body out.
  if (req.method() == verb::head)
    req.method(verb::get);
  if (!found) {
    counted(error_response(bhttp::status::not_found, "not_found",
                           "no such path: " + printable(path)));
    return;
  }
  auto& r = *found;
  if (req.method() == verb::options && cors_origin
      && req.count(bhttp::field::access_control_request_method) != 0) {
    counted(cors_.preflight(allow_list(r)));
    return;
  }
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
  if (draining_ && r.is_client_write() && req.method() != verb::get) {
    counted(error_response(bhttp::status::service_unavailable, "draining",
                           "the node is in maintenance and takes no new "
                           "writes; reads go on"));
    return;
  }
  if (((r.is_client_write() && req.method() != verb::get)
       || r.id == route_id::admin_product || r.id == route_id::admin_bulk)
      && hooks_.storage_full && hooks_.storage_full()) {
    auto res = error_response(bhttp::status::insufficient_storage,
                              "storage_full",
                              "the node's disk is full: nothing was applied; "
                              "reads go on, writes resume when space returns");
    res.set(bhttp::field::retry_after, "5");
    counted(std::move(res));
    return;
  }
  if (ctx.who.invalid_customer) {
    counted(error_response(bhttp::status::bad_request, "invalid_identity",
                           "header " + opts_.http.identity_header
                             + " from the gateway must be 1 to "
                             + std::to_string(max_customer_id)
                             + " bytes of printable ASCII"));
    return;
  }
  if (r.is_client_write() || r.is_read()) {
    auto client = ctx.who.key();
    auto& limiter = r.is_read() ? reads_ : writes_;
    if (limiter.enabled()) {
      auto d = limiter.take(client);
      if (!d.allowed) {
        counted(rate_limited(d));
        return;
      }
    }
    // A search scans every name: it pays from a budget of its own too.
    if (r.id == route_id::products_list && searches_.enabled()) {
      auto params = parse_query(query);
      if (params && params->count("q")) {
        auto d = searches_.take(client);
        if (!d.allowed) {
          counted(rate_limited(d));
          return;
        }
      }
    }
  }
  detail::context hctx{inv_, admin_, bridge_, opts_, ctx, &cache_control_};
  switch (r.id) {
    case route_id::healthz:
      counted(json_response(bhttp::status::ok, R"({"status":"ok"})"));
      break;
    case route_id::readyz:
      counted(readiness());
      break;
    case route_id::openapi: {
      response res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, "application/yaml");
      res.body().share(nullptr, openapi_document()); // static bytes
      counted(std::move(res));
      break;
    }
    case route_id::metrics: {
      response res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, "text/plain; version=0.0.4");
      res.body() = metrics::scrape();
      res.body() += node_metrics();
      if (hooks_.extra_metrics)
        res.body() += hooks_.extra_metrics();
      counted(std::move(res));
      break;
    }
    case route_id::products_list:
      detail::list_products(hctx, query, std::move(counted));
      break;
    case route_id::categories:
      detail::list_categories(hctx, std::move(counted));
      break;
    case route_id::product:
      detail::get_product(hctx, req, std::move(r.param), std::move(counted));
      break;
    case route_id::purchase:
      detail::purchase(hctx, req, std::move(r.param), std::move(counted));
      break;
    case route_id::admin_bulk:
      detail::bulk_load(hctx, req, std::move(counted));
      break;
    case route_id::admin_logging:
      set_logging(req, ctx, std::move(counted));
      break;
    case route_id::reservations:
      detail::create_reservation(hctx, req, std::move(counted));
      break;
    case route_id::orders:
      detail::place_order(hctx, req, std::move(counted));
      break;
    case route_id::reservation:
      detail::on_reservation(hctx, req, r.param,
                             req.method() == verb::get
                               ? domain::reservation_op::get
                               : domain::reservation_op::cancel,
                             std::move(counted));
      break;
    case route_id::reservation_confirm:
      detail::on_reservation(hctx, req, r.param,
                             domain::reservation_op::confirm,
                             std::move(counted));
      break;
    case route_id::reservation_extend:
      detail::on_reservation(hctx, req, r.param,
                             domain::reservation_op::extend,
                             std::move(counted));
      break;
    case route_id::admin_product:
      if (req.method() == verb::put)
        detail::put_product(hctx, req, std::move(r.param), std::move(counted));
      else
        detail::patch_product(hctx, req, std::move(r.param),
                              std::move(counted));
      break;
  }
}

} // namespace doorbuster::http
