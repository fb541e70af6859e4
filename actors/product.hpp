// One product's state and rules: stock never below what is reserved, holds
// for checkouts, purchase limits and the sale window, purchases idempotent
// by key, every change bumps the version. Plain class; the product actor is
// its only owner, so nothing here is synchronized.
#pragma once

#include "actors/checkout_types.hpp"
#include "actors/idempotency_cache.hpp"
#include "actors/order_ids.hpp"

#include <unordered_map>

namespace doorbuster::actors {

class product {
public:
  product(std::string sku, size_t idempotency_keys);

  /// True until the first replace() gives the product its fields.
  bool empty() const { return version_ == 0; }

  const std::string& sku() const { return sku_; }
  const product_fields& fields() const { return fields_; }
  const sale_rules& rules() const { return rules_; }
  uint64_t version() const { return version_; }
  int64_t reserved() const { return reserved_; }
  int64_t available() const { return fields_.stock - reserved_; }
  size_t hold_count() const { return holds_.size(); }
  /// Orders (purchases and sold holds) since this node started.
  uint64_t orders_since_start() const { return orders_; }

  /// Units `customer` bought or holds, over all orders and live holds.
  int64_t units_of(const std::string& customer) const;

  /// Whether `customer` may take `quantity` more units at `now_ms`: on sale,
  /// within both limits (`allowance` says how many they still may) and
  /// available.
  errc admit(const std::string& customer, int64_t quantity, int64_t now_ms,
             int64_t& allowance) const;

  /// Sells `req.quantity` units iff admitted. A key seen before returns its
  /// first answer, or idempotency_key_reused for another request.
  /// `changed` tells whether the state moved (false on a replay or error).
  purchase_result purchase(const purchase_request& req, int64_t now_ms,
                           order_ids& ids, bool& changed);

  /// Sets units aside for a checkout iff admitted. A checkout holds each
  /// product at most once.
  line_result place_hold(const hold_request& req, int64_t now_ms);

  const hold* find_hold(uint64_t checkout_id) const;

  /// Every live hold, in no particular order.
  std::vector<hold> holds_snapshot() const;

  /// Returns a hold's units; false if there is no such hold.
  bool release(uint64_t checkout_id);

  /// Marks a hold as being confirmed, so it does not expire meanwhile:
  /// reservation_expired if it is gone or past `expires_at`, not_on_sale
  /// while paused.
  errc lock(uint64_t checkout_id, int64_t now_ms);
  void unlock(uint64_t checkout_id);

  /// Moves a live hold's expiry.
  errc extend(uint64_t checkout_id, int64_t expires_at_ms, int64_t now_ms);

  /// Sells a hold's units as `order_id`; false if there is no such hold.
  bool sell_hold(uint64_t checkout_id, uint64_t order_id, line_result& out);

  void replace(product_fields fields);

  /// Takes back a state recovered from storage, version and keys included.
  void restore(const restored_product& saved);

  /// Applies all of `patch` or nothing.
  errc apply(const product_patch& patch);

  /// The reader's view of the current state.
  product_doc_ptr render() const;

private:
  struct purchase_key {
    int64_t quantity;
    std::string customer_id;
  };

  void add_units(const std::string& customer, int64_t delta);

  std::string sku_;
  product_fields fields_;
  sale_rules rules_;
  uint64_t version_ = 0;
  int64_t reserved_ = 0;
  uint64_t orders_ = 0;
  std::unordered_map<uint64_t, hold> holds_;
  std::unordered_map<std::string, int64_t> customer_units_;
  idempotency_cache<purchase_key, purchase_result> idempotency_;
};

} // namespace doorbuster::actors
