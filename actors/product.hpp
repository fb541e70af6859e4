// One product's state and rules: stock never below what is reserved, holds
// for checkouts, purchase limits and the sale window, purchases idempotent
// by key, every change bumps the version. Each change returns the record
// the journal must keep of it. Plain class; the product actor is its only
// owner, so nothing here is synchronized.
#pragma once

#include "actors/idempotency_cache.hpp"
#include "actors/order_ids.hpp"
#include "domain/checkout.hpp"
#include "domain/order.hpp"
#include "domain/purchase.hpp"
#include "domain/stored_product.hpp"

#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace doorbuster::actors {

class product {
public:
  product(std::string sku, size_t idempotency_keys);

  /// True until the first replace() gives the product its fields.
  bool empty() const { return state_.version == 0; }

  const std::string& sku() const { return state_.sku; }
  /// What the journal keeps of an operator's change: the whole state.
  const domain::product_state& state() const { return state_; }
  const domain::product_fields& fields() const { return state_.fields; }
  const domain::sale_rules& rules() const { return state_.rules; }
  uint64_t version() const { return state_.version; }
  int64_t reserved() const { return state_.reserved; }
  int64_t available() const { return state_.available(); }
  size_t hold_count() const { return holds_.size(); }
  /// Orders (purchases and sold holds) since this node started.
  uint64_t orders_since_start() const { return orders_; }

  /// Units `customer` bought or holds, over all orders and live holds.
  int64_t units_of(const std::string& customer) const;

  /// Whether `customer` may take `quantity` more units at `now_ms`: on sale,
  /// within both limits (`allowance` says how many they still may) and
  /// available.
  domain::errc admit(const std::string& customer, int64_t quantity,
                     int64_t now_ms, int64_t& allowance) const;

  /// Sells `req.quantity` units iff admitted; then `sold` is the order. A
  /// key seen before returns its first answer (and no order), or
  /// idempotency_key_reused for another request.
  domain::purchase_result purchase(const domain::purchase_request& req,
                                   int64_t now_ms, order_ids& ids,
                                   std::optional<domain::order>& sold);

  /// Sets units aside for a checkout iff admitted. A checkout holds each
  /// product at most once. Order holds are locked from the start: their
  /// coordinator decides them. A key that another checkout holds here, or
  /// sold or released a line under, is checkout_elsewhere (held_by names
  /// that one, and order_id its sale): in a cluster a retry may reach
  /// another node's coordinator, which must not make a second checkout of
  /// it; unless the key's checkout is `supersedes` and sold nothing here (a
  /// checkout nobody keeps as live any more). A reservation may not
  /// outlive the product's max_hold_s (ttl_out_of_range), nor make its
  /// holder's live reservations here more than `holder_cap`
  /// (too_many_holds; 0: no cap).
  domain::line_result place_hold(const domain::hold& wanted, int64_t now_ms,
                                 uint64_t supersedes = 0,
                                 size_t holder_cap = 0);

  /// Live reservations `holder` has here.
  size_t holds_of(const std::string& holder) const;

  const domain::hold* find_hold(uint64_t checkout_id) const;
  bool locked(uint64_t checkout_id) const {
    return locked_.count(checkout_id) != 0;
  }

  /// A live hold as the journal keeps it.
  domain::hold_record hold_record_of(uint64_t checkout_id) const;

  /// Every live hold, in no particular order.
  std::vector<domain::hold> holds_snapshot() const;

  /// Returns a hold's units; the record to journal, or nullopt if there is
  /// no such hold.
  std::optional<domain::release_record> release(uint64_t checkout_id);

  /// Marks a hold as being confirmed, so it does not expire meanwhile:
  /// reservation_expired if it is gone or past `expires_at`, not_on_sale
  /// while paused.
  domain::errc lock(uint64_t checkout_id, int64_t now_ms);
  void unlock(uint64_t checkout_id);

  /// Moves a live hold's expiry, within the product's max_hold_s from its
  /// placing.
  domain::errc extend(uint64_t checkout_id, int64_t expires_at_ms,
                      int64_t now_ms);

  /// Sells a hold's units as `order_id`: the order to journal (and `out`
  /// its line), or nullopt if there is no such hold.
  std::optional<domain::order> sell_hold(uint64_t checkout_id,
                                         uint64_t order_id, int64_t now_ms,
                                         domain::line_result& out);

  void replace(domain::product_fields fields);

  /// Takes back a state recovered from storage, version and keys included.
  void restore(const domain::stored_product& saved);

  /// The state to keep at rest (restore() takes it back): the fields, the
  /// remembered purchases, the live holds and the units each customer took.
  domain::stored_product save() const;

  /// Applies all of `patch` or nothing.
  domain::errc apply(const domain::product_patch& patch);

  /// The reader's view of the current state.
  domain::product_doc_ptr render() const;

private:
  void add_units(const std::string& customer, int64_t delta);
  void forget_hold_key(const domain::hold& h);
  void count_holder(const domain::hold& h, int delta);

  domain::product_state state_;
  uint64_t orders_ = 0;
  std::unordered_map<uint64_t, domain::hold> holds_;
  std::unordered_set<uint64_t> locked_; // holds being confirmed or decided
  std::unordered_map<std::string, int64_t> customer_units_;
  idempotency_cache<domain::remembered_purchase> idempotency_;
  std::unordered_map<std::string, uint64_t> hold_keys_; // live holds' keys
  std::unordered_map<std::string, size_t> holder_holds_; // live reservations
};

} // namespace doorbuster::actors
