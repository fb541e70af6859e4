// POST /v1/reservations, the calls on /v1/reservations/{id} and
// POST /v1/orders: validated here, carried out by a checkout coordinator.
#include "http/detail/handlers.hpp"

#include "actors/inventory.hpp"
#include "domain/clock.hpp"
#include "http/checkout_input.hpp"
#include "http/detail/ask.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace doorbuster::http::detail {

namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(json_writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

/// A reservation's state: what it holds and until when.
std::string render_reservation(const domain::checkout_result& res) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("reservation_id");
  write_string(w, std::to_string(res.checkout_id));
  w.Key("customer_id");
  write_string(w, res.customer_id);
  w.Key("status");
  w.String(domain::to_string(res.status));
  w.Key("expires_at");
  if (res.expires_at_ms == 0)
    w.Null(); // a sold reservation recovered after a restart
  else
    write_string(w, domain::format_utc(res.expires_at_ms));
  w.Key("items");
  w.StartArray();
  for (const auto& line : res.lines) {
    w.StartObject();
    w.Key("sku");
    write_string(w, line.sku);
    w.Key("quantity");
    w.Int64(line.quantity);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

/// A sold checkout: one order per line. `id_key` names the checkout's id.
std::string render_orders(const domain::checkout_result& res,
                          const char* id_key) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key(id_key);
  write_string(w, std::to_string(res.checkout_id));
  w.Key("customer_id");
  write_string(w, res.customer_id);
  w.Key("status");
  w.String(domain::to_string(res.status));
  w.Key("orders");
  w.StartArray();
  for (const auto& line : res.lines) {
    w.StartObject();
    w.Key("order_id");
    w.Uint64(line.order_id);
    w.Key("sku");
    write_string(w, line.sku);
    w.Key("quantity");
    w.Int64(line.quantity);
    w.Key("unit_price");
    w.Int64(line.unit_price);
    w.Key("currency");
    write_string(w, line.currency);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

/// The error of a refused checkout step; names the line that caused it.
response refused(const domain::checkout_result& res) {
  if (res.lines.empty())
    return to_response(from_errc(res.error, std::to_string(res.checkout_id)));
  const auto& line = res.lines.front();
  auto err = from_errc(res.error, line.sku);
  err.sku = line.sku;
  if (res.error == domain::errc::insufficient_stock)
    err.available = line.available;
  if (res.error == domain::errc::limit_exceeded)
    err.allowance = line.allowance;
  if (res.error == domain::errc::ttl_out_of_range)
    err.message = "the reservation would outlive the longest hold "
                  + line.sku + " allows (its max_hold_seconds)";
  return to_response(err);
}

void start_checkout(const context& ctx, const request& req, bool reserve_only,
                    responder send) {
  domain::checkout_request checkout;
  if (auto err = decode_checkout(req.body(), ctx.opts.checkout,
                                 ctx.opts.products.max_quantity, reserve_only,
                                 ctx.request.who.customer, checkout)) {
    send(to_response(*err));
    return;
  }
  if (!read_idempotency_key(req, checkout.idempotency_key, send))
    return;
  checkout.holder = ctx.request.who.key();
  checkout.due = domain::deadline::at(ctx.request.deadline);
  const auto& coordinator = ctx.inv.checkout_for(checkout.idempotency_key);
  auto answer = [reserve_only](domain::checkout_result& res, responder& send) {
    if (res.error != domain::errc::ok) {
      send(refused(res));
      return;
    }
    if (!reserve_only) {
      send(json_response(bhttp::status::created,
                         render_orders(res, "checkout_id")));
      return;
    }
    auto out = json_response(bhttp::status::created, render_reservation(res));
    out.set(bhttp::field::location,
            "/v1/reservations/" + std::to_string(res.checkout_id));
    send(std::move(out));
  };
  ask<domain::checkout_result>(ctx, coordinator, std::move(send),
                               std::move(answer), actors::checkout_atom::value,
                               std::move(checkout));
}

} // namespace

void create_reservation(const context& ctx, const request& req,
                        responder send) {
  start_checkout(ctx, req, true, std::move(send));
}

void place_order(const context& ctx, const request& req, responder send) {
  start_checkout(ctx, req, false, std::move(send));
}

void on_reservation(const context& ctx, const request& req,
                    std::string_view id_text, domain::reservation_op op,
                    responder send) {
  auto id = parse_checkout_id(id_text);
  if (!id) {
    send(to_response(
        from_errc(domain::errc::unknown_reservation, std::string{id_text})));
    return;
  }
  domain::reservation_request call;
  call.checkout_id = *id;
  call.op = op;
  std::optional<api_error> err;
  if (op == domain::reservation_op::extend)
    err = decode_extend(req.body(), ctx.opts.checkout, call.ttl_ms);
  else if (op == domain::reservation_op::confirm)
    err = decode_empty(req.body());
  if (err) {
    send(to_response(*err));
    return;
  }
  if (op == domain::reservation_op::confirm &&
      !read_idempotency_key(req, call.idempotency_key, send))
    return;
  call.due = domain::deadline::at(ctx.request.deadline);
  bool unreachable = false;
  auto owner = ctx.inv.reservation_owner(call.checkout_id, &unreachable);
  if (!owner) { // minted by a node that is gone, or not connected now
    domain::checkout_result gone;
    gone.error = unreachable ? domain::errc::unavailable
                             : domain::errc::unknown_reservation;
    gone.checkout_id = call.checkout_id;
    send(refused(gone));
    return;
  }
  auto answer = [op](domain::checkout_result& res, responder& send) {
    if (res.error != domain::errc::ok) {
      send(refused(res));
      return;
    }
    switch (op) {
    case domain::reservation_op::confirm:
      send(json_response(bhttp::status::created,
                         render_orders(res, "reservation_id")));
      break;
    case domain::reservation_op::cancel:
      send(response{bhttp::status::no_content, 11});
      break;
    case domain::reservation_op::get:
    case domain::reservation_op::extend:
      send(json_response(bhttp::status::ok, render_reservation(res)));
      break;
    }
  };
  ask<domain::checkout_result>(ctx, owner, std::move(send), std::move(answer),
                               actors::resv_atom::value, std::move(call));
}

} // namespace doorbuster::http::detail
