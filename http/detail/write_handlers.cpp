// POST /v1/products/{sku}/purchase and the admin writes: validated here,
// applied by the owning product actor (admin writes by way of the admin
// actor, like the console's).
#include "http/detail/handlers.hpp"

#include "actors/inventory.hpp"
#include "http/detail/ask.hpp"
#include "http/metrics.hpp"
#include "http/product_input.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace doorbuster::http::detail {

namespace {

constexpr size_t max_idempotency_key = 255;

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string text_of(const rapidjson::StringBuffer& buf) {
  return {buf.GetString(), buf.GetSize()};
}

std::string render_order(const domain::purchase_result& res) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("order_id");
  w.Uint64(res.order_id);
  w.Key("sku");
  w.String(res.sku.c_str(), static_cast<rapidjson::SizeType>(res.sku.size()));
  w.Key("quantity");
  w.Int64(res.quantity);
  w.Key("remaining");
  w.Int64(res.remaining);
  w.EndObject();
  return text_of(buf);
}

/// Answers a put or patch: the product's document, or the domain error.
auto answer_write(std::string sku) {
  return [sku = std::move(sku)](domain::write_result& res, responder& send) {
    if (res.error != domain::errc::ok) {
      auto err = from_errc(res.error, sku);
      if (res.error == domain::errc::insufficient_stock)
        err.available = res.available;
      send(to_response(err));
      return;
    }
    auto out =
        json_response(res.created ? bhttp::status::created : bhttp::status::ok,
                      res.doc->json());
    out.set(bhttp::field::etag, etag_of(*res.doc));
    send(std::move(out));
  };
}

} // namespace

bool read_idempotency_key(const request& req, std::string& out,
                          const responder& send) {
  auto key = req["Idempotency-Key"];
  if (key.size() > max_idempotency_key) {
    send(error_response(bhttp::status::bad_request, "invalid_header",
                        "Idempotency-Key must be at most 255 bytes"));
    return false;
  }
  out.assign(key.data(), key.size());
  return true;
}

void purchase(const context& ctx, const request& req, std::string sku,
              responder send) {
  domain::purchase_request order;
  if (auto err = decode_purchase(req.body(), ctx.opts.products.max_quantity,
                                 ctx.request.who.customer, order)) {
    send(to_response(*err));
    return;
  }
  if (!read_idempotency_key(req, order.idempotency_key, send))
    return;
  order.sku = std::move(sku);
  order.due = domain::deadline::at(ctx.request.deadline);
  const auto& shard = ctx.inv.shard_for(order.sku);
  auto answer = [](domain::purchase_result& res, responder& send) {
    if (res.error != domain::errc::ok) {
      auto err = from_errc(res.error, res.sku);
      if (res.error == domain::errc::insufficient_stock)
        err.available = res.remaining;
      if (res.error == domain::errc::limit_exceeded)
        err.allowance = res.allowance;
      send(to_response(err));
      return;
    }
    send(json_response(bhttp::status::created, render_order(res)));
  };
  ask<domain::purchase_result>(ctx, shard, std::move(send), std::move(answer),
                               actors::purchase_atom::value, std::move(order));
}

void put_product(const context& ctx, const request& req, std::string sku,
                 responder send) {
  domain::product_fields fields;
  if (auto err = decode_product(req.body(), fields)) {
    send(to_response(*err));
    return;
  }
  ask<domain::write_result>(ctx, ctx.admin, std::move(send), answer_write(sku),
                            actors::put_atom::value, sku, std::move(fields));
}

void patch_product(const context& ctx, const request& req, std::string sku,
                   responder send) {
  domain::product_patch patch;
  if (auto err = decode_patch(req.body(), patch)) {
    send(to_response(*err));
    return;
  }
  ask<domain::write_result>(ctx, ctx.admin, std::move(send), answer_write(sku),
                            actors::patch_atom::value, sku, std::move(patch));
}

void bulk_load(const context& ctx, const request& req, responder send) {
  std::vector<domain::product_entry> entries;
  std::vector<std::pair<size_t, api_error>> rejected;
  std::string_view body = req.body();
  for (size_t line_no = 1; !body.empty(); ++line_no) {
    auto eol = body.find('\n');
    auto line = body.substr(0, eol);
    body.remove_prefix(eol == std::string_view::npos ? body.size() : eol + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
      continue;
    domain::product_entry entry;
    if (auto err = decode_bulk_line(line, entry.sku, entry.fields)) {
      metrics::local().count_error(err->code); // a refusal like any other
      rejected.emplace_back(line_no, std::move(*err));
    } else
      entries.push_back(std::move(entry));
  }
  auto answer = [rejected = std::move(rejected)](
                    std::vector<domain::write_result>& results,
                    responder& send) {
    rapidjson::StringBuffer buf;
    json_writer w{buf};
    w.StartObject();
    w.Key("loaded");
    w.Uint64(results.size());
    w.Key("rejected");
    w.StartArray();
    for (const auto& [line_no, err] : rejected) {
      w.StartObject();
      w.Key("line");
      w.Uint64(line_no);
      w.Key("error");
      write_error(w, err);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    send(json_response(bhttp::status::ok, text_of(buf)));
  };
  ask<std::vector<domain::write_result>>(
      ctx, ctx.admin, std::move(send), std::move(answer),
      actors::bulk_atom::value, std::move(entries));
}

} // namespace doorbuster::http::detail
