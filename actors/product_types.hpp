// The inventory's request and result values, shared by the actors and their
// callers. Plain aggregates: no CAF, no HTTP.
#pragma once

#include "actors/errc.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace doorbuster::actors {

/// Largest stock or price a product may hold; keeps every sum in int64.
constexpr int64_t max_amount = 1'000'000'000'000'000;

/// The operator-editable fields of a product.
struct product_fields {
  std::string name;
  std::string description;
  std::string category;
  int64_t price = 0; // minor units of `currency`
  std::string currency;
  int64_t stock = 0;
};

/// When and how much a product may be sold; set by operators. A zero bound
/// means "no bound".
struct sale_rules {
  int64_t max_per_order = 0;    // units in one purchase, order or hold
  int64_t max_per_customer = 0; // units sold or held per customer, ever
  int64_t sale_starts_at_ms = 0; // Unix ms
  int64_t sale_ends_at_ms = 0;   // Unix ms, exclusive
  bool paused = false;
};

/// A partial change; `stock` and `stock_delta` are mutually exclusive. A
/// rule given as 0 is cleared.
struct product_patch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> category;
  std::optional<int64_t> price;
  std::optional<std::string> currency;
  std::optional<int64_t> stock;
  std::optional<int64_t> stock_delta;
  std::optional<int64_t> max_per_order;
  std::optional<int64_t> max_per_customer;
  std::optional<int64_t> sale_starts_at_ms;
  std::optional<int64_t> sale_ends_at_ms;
  std::optional<bool> paused;
};

/// Whether a request's deadline (steady_clock ns; 0: none) has passed.
inline bool past_deadline(int64_t deadline_ns) {
  return deadline_ns != 0
         && std::chrono::steady_clock::now().time_since_epoch().count()
              > deadline_ns;
}

struct purchase_request {
  std::string sku;
  int64_t quantity = 0;
  std::string customer_id;
  std::string idempotency_key; // empty: not idempotent
  int64_t deadline_ns = 0;     // steady_clock; 0: none. Not applied after it
};

struct purchase_result {
  errc error = errc::ok;
  uint64_t order_id = 0;
  std::string sku;
  int64_t quantity = 0;
  int64_t remaining = 0; // available after the purchase, or on error
  int64_t allowance = -1; // for limit_exceeded: units still allowed
};

/// A purchase answer kept under its Idempotency-Key.
struct remembered_purchase {
  std::string key;
  int64_t quantity = 0;
  std::string customer_id;
  purchase_result answer;
};

enum class hold_kind : uint8_t {
  reservation = 1, // a cart hold: the customer confirms or it expires
  order = 2,       // a line of a multi-item order being placed
};

/// Units of a product set aside for one checkout (reservation or order).
struct hold {
  uint64_t checkout_id = 0;
  std::string customer_id;
  int64_t quantity = 0;
  int64_t expires_at_ms = 0; // Unix ms
  hold_kind kind = hold_kind::reservation;
  std::string idempotency_key; // of the request that made it
  uint64_t order_id = 0;       // set once its checkout decided to sell
  bool locked = false;         // a confirm is under way: do not expire
};

/// A product's state as recovered from storage at start-up.
struct restored_product {
  std::string sku;
  product_fields fields;
  sale_rules rules;
  int64_t reserved = 0;
  uint64_t version = 0;
  std::vector<remembered_purchase> orders; // oldest first
  std::vector<hold> holds;
  std::vector<std::pair<std::string, int64_t>> customers; // units per buyer
};

/// What readers see of a product: rendered once per change, shared by all
/// catalog actors, never modified after creation.
struct product_doc {
  std::string sku;
  std::string category;
  std::string folded_name; // lower-case name, for search
  uint64_t version = 0;
  std::string json;
};

using product_doc_ptr = std::shared_ptr<const product_doc>;

struct write_result {
  errc error = errc::ok;
  bool created = false;
  product_doc_ptr doc;
  int64_t available = 0; // stock not reserved, for insufficient_stock
};

struct listing_query {
  std::string category; // empty: all categories
  std::string search;   // case-insensitive substring of the name
  std::string after;    // resume after this SKU (decoded cursor)
  size_t limit = 50;
};

struct listing {
  std::string items_json;          // a JSON array of product documents
  std::optional<std::string> next; // SKU to resume after, if more remain
};

/// What a shard tells an operator about itself.
struct shard_report {
  size_t products = 0;
  int64_t queued = 0;    // purchases and holds waiting at its products
  int64_t max_depth = 0; // the deepest product queue
  uint64_t requests = 0; // purchases and holds routed since start
};

/// A product's share of the traffic since the previous hot_atom query.
struct product_heat {
  std::string sku;
  uint64_t requests = 0;
  int64_t depth = 0;
};

/// What a checkout asks of a product about its hold there.
enum class hold_step : uint8_t {
  release, // give the units back
  lock,    // a confirm starts: keep it past its expiry until sold or unlocked
  unlock,  // the confirm failed elsewhere
  extend,  // value: the new expiry, Unix ms
  sell,    // value: the order id; the checkout's decision is durable
  expire,  // the product's own timer
};

struct hold_command {
  uint64_t checkout_id = 0;
  std::string sku;
  hold_step step = hold_step::release;
  int64_t value = 0;
};

/// Completion callbacks: called exactly once, on an actor's thread.
template <class T>
using reply_fn = std::function<void(T)>;

} // namespace doorbuster::actors
