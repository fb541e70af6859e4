// The route handlers behind http::api, one function per endpoint. Each
// checks its request, asks the actor that serves it (detail/ask.hpp) and
// renders the answer on the connection's io thread.
#pragma once

#include "http/api.hpp"

#include <string>

namespace doorbuster::http::detail {

struct context {
  actors::inventory& inv;
  const actors::admin_actor& admin; // the admin endpoints' writes
  actor_bridge& bridge;
  const config::options& opts;
  const request_context& request;
  /// The Cache-Control value of catalog reads; owned by the api, which
  /// outlives every answer.
  const std::string* cache_control;
};

/// Reads the optional Idempotency-Key header into `out`; false (after
/// answering 400 invalid_header) if it is too long.
bool read_idempotency_key(const request& req, std::string& out,
                          const responder& send);

/// A product document's ETag: its version, quoted.
std::string etag_of(const domain::product_doc& doc);

void get_product(const context& ctx, const request& req, std::string sku,
                 responder send);
void list_products(const context& ctx, std::string_view query,
                   responder send);
void list_categories(const context& ctx, responder send);
void purchase(const context& ctx, const request& req, std::string sku,
              responder send);
void put_product(const context& ctx, const request& req, std::string sku,
                 responder send);
void patch_product(const context& ctx, const request& req, std::string sku,
                   responder send);
void bulk_load(const context& ctx, const request& req, responder send);
void create_reservation(const context& ctx, const request& req,
                        responder send);
void place_order(const context& ctx, const request& req, responder send);
void on_reservation(const context& ctx, const request& req,
                    std::string_view id_text, domain::reservation_op op,
                    responder send);

} // namespace doorbuster::http::detail
