#include "http/api_error.hpp"

#include "http/metrics.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace doorbuster::http {

using domain::errc;

response json_response(bhttp::status status, std::string body) {
  response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

api_error from_errc(errc e, const std::string& subject) {
  const auto& sku = subject;
  auto code = std::string{domain::to_code(e)};
  auto err = [&code](bhttp::status status, std::string message) {
    return api_error{status, code, std::move(message), {}, {}, {}};
  };
  switch (e) {
    case errc::ok:
      break;
    case errc::unknown_sku:
      return err(bhttp::status::not_found, "no product with SKU " + sku);
    case errc::insufficient_stock:
      return err(bhttp::status::conflict, "not enough stock of " + sku + " for this request");
    case errc::idempotency_key_reused:
    case errc::checkout_elsewhere:
      return err(bhttp::status::unprocessable_entity, "this Idempotency-Key was used for a different request");
    case errc::stock_out_of_range:
      return err(bhttp::status::unprocessable_entity, "the stock of " + sku + " would leave its allowed range");
    case errc::overloaded:
      return err(bhttp::status::service_unavailable,
                 sku + " has too many requests queued; retry shortly");
    case errc::deadline_exceeded:
      return err(bhttp::status::gateway_timeout, "the request waited past its deadline and was not applied");
    case errc::not_on_sale:
      return err(bhttp::status::conflict,
                 sku + " is not on sale now (outside its sale window, or "
                       "paused)");
    case errc::limit_exceeded:
      return err(bhttp::status::conflict,
                 "this would exceed the purchase limit of " + sku);
    case errc::unknown_reservation:
      return err(bhttp::status::not_found, "no reservation " + subject);
    case errc::reservation_expired:
      return err(bhttp::status::gone, "reservation " + subject
                                        + " expired; its units were released");
    case errc::reservation_confirmed:
      return err(bhttp::status::conflict,
                 "reservation " + subject + " is confirmed already");
    case errc::reservation_cancelled:
      return err(bhttp::status::conflict,
                 "reservation " + subject + " was cancelled");
    case errc::reservation_busy:
      return err(bhttp::status::conflict,
                 "another request on " + subject
                   + " is under way; retry once it is answered");
    case errc::ttl_out_of_range:
      return err(bhttp::status::bad_request,
                 "the reservation would outlive the maximum TTL");
    case errc::too_many_holds:
      return err(bhttp::status::conflict,
                 "this client holds as many live reservations of " + sku
                   + " as it may; confirm or cancel one first");
    case errc::unavailable:
      return err(bhttp::status::service_unavailable,
                 "a part of the node did not answer in time; nothing was "
                 "applied, retry shortly");
    case errc::moved:
      return err(bhttp::status::service_unavailable,
                 "the shard of " + sku
                   + " is moving between nodes; nothing was applied, retry "
                     "shortly");
    case errc::outcome_unknown:
      return err(bhttp::status::service_unavailable,
                 "the node that owns " + sku
                   + " stopped answering; the request may or may not have "
                     "been applied: retry with the same Idempotency-Key");
  }
  return {bhttp::status::internal_server_error, "internal",
          "unexpected result", {}, {}, {}};
}

void write_error(rapidjson::Writer<rapidjson::StringBuffer>& w,
                 const api_error& err) {
  w.StartObject();
  w.Key("code");
  w.String(err.code.c_str());
  w.Key("message");
  w.String(err.message.c_str());
  if (err.sku) {
    w.Key("sku");
    w.String(err.sku->c_str(), static_cast<rapidjson::SizeType>(err.sku->size()));
  }
  if (err.available) {
    w.Key("available");
    w.Int64(*err.available);
  }
  if (err.allowance) {
    w.Key("remaining_allowance");
    w.Int64(*err.allowance);
  }
  w.EndObject();
}

response to_response(const api_error& err) {
  metrics::local().count_error(err.code);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("error");
  write_error(w, err);
  w.EndObject();
  auto res = json_response(err.status, {buf.GetString(), buf.GetSize()});
  if (err.status == bhttp::status::service_unavailable)
    res.set(bhttp::field::retry_after, "1");
  return res;
}

} // namespace doorbuster::http
