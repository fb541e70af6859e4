// GET /v1/products/{sku}, GET /v1/products, GET /v1/categories: answered from
// the catalog's pre-rendered documents.
#include "http/detail/handlers.hpp"

#include "actors/inventory.hpp"
#include "http/api_error.hpp"
#include "http/detail/ask.hpp"
#include "http/query_string.hpp"

#include <boost/algorithm/hex.hpp>

#include <charconv>

namespace doorbuster::http::detail {

namespace {

constexpr size_t max_limit = 500;

/// True if an If-None-Match value names `etag` (or is "*").
bool matches_etag(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (item.substr(0, 2) == "W/")
      item.remove_prefix(2);
    if (item == etag || item == "*")
      return true;
    if (comma == std::string_view::npos)
      break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

api_error bad_parameter(std::string code, std::string message) {
  return {bhttp::status::bad_request,
          std::move(code),
          std::move(message),
          {},
          {},
          {}};
}

} // namespace

std::string etag_of(const domain::product_doc& doc) {
  return "\"" + std::to_string(doc.version) + "\"";
}

void get_product(const context& ctx, const request& req, std::string sku,
                 responder send) {
  std::string if_none_match{req[bhttp::field::if_none_match]};
  auto answer = [sku, if_none_match, cache = ctx.cache_control](
                    domain::product_doc_ptr& doc, responder& send) {
    if (!doc) {
      send(to_response(from_errc(domain::errc::unknown_sku, sku)));
      return;
    }
    auto etag = etag_of(*doc);
    if (!if_none_match.empty() && matches_etag(if_none_match, etag)) {
      response res{bhttp::status::not_modified, 11};
      res.set(bhttp::field::etag, etag);
      res.set(bhttp::field::cache_control, *cache);
      send(std::move(res));
      return;
    }
    response res{bhttp::status::ok, 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body().share(doc, doc->head(), doc->rules_json()); // not a copy
    res.set(bhttp::field::etag, etag);
    res.set(bhttp::field::cache_control, *cache);
    send(std::move(res));
  };
  // Read here, on the io thread: no hop to a catalog actor and back.
  if (auto doc = ctx.inv.try_find_product(sku)) {
    answer(*doc, send);
    return;
  }
  ask<domain::product_doc_ptr>(ctx, ctx.inv.catalog(), std::move(send),
                               std::move(answer), actors::get_atom::value,
                               std::move(sku));
}

void list_products(const context& ctx, std::string_view query, responder send) {
  auto params = parse_query(query);
  if (!params) {
    send(to_response(bad_parameter("invalid_parameter", "malformed query")));
    return;
  }
  domain::listing_query q;
  for (auto& [key, value] : *params) {
    if (key == "category") {
      q.category = value;
    } else if (key == "q") {
      q.search = value;
    } else if (key == "limit") {
      size_t limit = 0;
      auto end = value.data() + value.size();
      auto [last, ec] = std::from_chars(value.data(), end, limit);
      if (ec != std::errc{} || last != end || limit < 1 || limit > max_limit) {
        send(to_response(bad_parameter("invalid_parameter",
                                       "limit must be an integer from 1 to " +
                                           std::to_string(max_limit))));
        return;
      }
      q.limit = limit;
    } else if (key == "cursor") {
      auto after = decode_cursor(value);
      if (!after) {
        send(to_response(bad_parameter("invalid_cursor",
                                       "cursor is not one this API gave")));
        return;
      }
      q.after = std::move(*after);
    }
  }
  auto answer = [cache = ctx.cache_control](domain::listing& page,
                                            responder& send) {
    std::string body = "{\"items\":";
    body += page.items_json;
    body += ",\"next_cursor\":";
    if (page.next) {
      body += '"';
      boost::algorithm::hex(*page.next, std::back_inserter(body));
      body += '"';
    } else {
      body += "null";
    }
    body += '}';
    auto res = json_response(bhttp::status::ok, std::move(body));
    res.set(bhttp::field::cache_control, *cache);
    send(std::move(res));
  };
  // A search scans every name: its own catalog actor serves it.
  const auto& catalog =
    q.search.empty() ? ctx.inv.catalog() : ctx.inv.catalog_searches();
  ask<domain::listing>(ctx, catalog, std::move(send), std::move(answer),
                       actors::list_atom::value, std::move(q));
}

void list_categories(const context& ctx, responder send) {
  auto answer = [cache = ctx.cache_control](std::string& json,
                                            responder& send) {
    auto res = json_response(bhttp::status::ok, std::move(json));
    res.set(bhttp::field::cache_control, *cache);
    send(std::move(res));
  };
  ask<std::string>(ctx, ctx.inv.catalog(), std::move(send), std::move(answer),
                   actors::categ_atom::value);
}

} // namespace doorbuster::http::detail
