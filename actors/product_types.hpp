// The inventory's request and result values, shared by the actors and their
// callers. Plain aggregates: no CAF, no HTTP.
#pragma once

#include "actors/errc.hpp"

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

/// A partial change; `stock` and `stock_delta` are mutually exclusive.
struct product_patch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> category;
  std::optional<int64_t> price;
  std::optional<std::string> currency;
  std::optional<int64_t> stock;
  std::optional<int64_t> stock_delta;
};

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
  int64_t remaining = 0; // stock after the purchase, or available on error
};

/// A purchase answer kept under its Idempotency-Key.
struct remembered_purchase {
  std::string key;
  int64_t quantity = 0;
  std::string customer_id;
  purchase_result answer;
};

/// A product's state as recovered from storage at start-up.
struct restored_product {
  std::string sku;
  product_fields fields;
  uint64_t version = 0;
  std::vector<remembered_purchase> orders; // oldest first
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
  int64_t available = 0; // stock on hand, for insufficient_stock
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

/// Completion callbacks: called exactly once, on an actor's thread.
template <class T>
using reply_fn = std::function<void(T)>;

} // namespace doorbuster::actors
