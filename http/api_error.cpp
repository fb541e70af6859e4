#include "http/api_error.hpp"

#include "http/metrics.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace doorbuster::http {

using actors::errc;

response json_response(bhttp::status status, std::string body) {
  response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

api_error from_errc(errc e, const std::string& sku) {
  auto code = std::string{actors::to_code(e)};
  switch (e) {
    case errc::ok:
      break;
    case errc::unknown_sku:
      return {bhttp::status::not_found, code, "no product with SKU " + sku, {}};
    case errc::insufficient_stock:
      return {bhttp::status::conflict, code,
              "not enough stock of " + sku + " for this request", {}};
    case errc::idempotency_key_reused:
      return {bhttp::status::unprocessable_entity, code,
              "this Idempotency-Key was used for a different request", {}};
    case errc::stock_out_of_range:
      return {bhttp::status::unprocessable_entity, code,
              "the stock of " + sku + " would leave its allowed range", {}};
    case errc::overloaded:
      return {bhttp::status::service_unavailable, code,
              sku + " has too many purchases queued; retry shortly", {}};
    case errc::deadline_exceeded:
      return {bhttp::status::gateway_timeout, code,
              "the request waited past its deadline and was not applied", {}};
  }
  return {bhttp::status::internal_server_error, "internal",
          "unexpected result", {}};
}

response to_response(const api_error& err) {
  metrics::local().count_error(err.code);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(err.code.c_str());
  w.Key("message");
  w.String(err.message.c_str());
  if (err.available) {
    w.Key("available");
    w.Int64(*err.available);
  }
  w.EndObject();
  w.EndObject();
  auto res = json_response(err.status, {buf.GetString(), buf.GetSize()});
  if (err.status == bhttp::status::service_unavailable)
    res.set(bhttp::field::retry_after, "1");
  return res;
}

} // namespace doorbuster::http
