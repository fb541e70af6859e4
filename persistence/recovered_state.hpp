// The node's durable state folded from a base (PostgreSQL or a snapshot)
// and journal records: per product its latest state, the answers of its
// newest idempotent purchases, its live holds and the units each customer
// took. Recovery, snapshots and tests use it.
#pragma once

#include "actors/checkout_types.hpp"
#include "persistence/journal_record.hpp"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace doorbuster::persistence {

/// An idempotent purchase's first answer, kept so a retry gets it again.
struct remembered_order {
  std::string key;
  int64_t quantity = 0;
  std::string customer_id;
  uint64_t order_id = 0;
  int64_t remaining = 0;
  MSGPACK_DEFINE(key, quantity, customer_id, order_id, remaining)
};

struct recovered_product {
  product_record state;
  std::deque<remembered_order> orders; // oldest first, bounded
  std::map<uint64_t, hold_record> holds; // by checkout id
  std::map<std::string, int64_t> customers; // units sold or held per buyer
  MSGPACK_DEFINE(state, orders, holds, customers)
};

/// A sold checkout (reservation or order), kept so that a retry under its
/// Idempotency-Key, or a second confirm, is answered after a restart too.
struct recovered_checkout {
  std::string customer_id;
  std::string idempotency_key; // of the request that made it
  uint8_t kind = 0;            // actors::hold_kind
  std::vector<order_record> lines; // the sales, one per product
  MSGPACK_DEFINE(customer_id, idempotency_key, kind, lines)
};

class recovered_state {
public:
  explicit recovered_state(size_t keys_per_product)
    : keys_per_product_(keys_per_product) {}

  /// Sold checkouts remembered (the newest ids).
  static constexpr size_t checkouts_kept = 100000;

  /// Applies one record; records of a product come in version order.
  void apply(const journal_record& rec);

  void put(recovered_product product);
  void remember(const std::string& sku, remembered_order order);
  void add_hold(hold_record hold);
  /// One sale of a checkout; keeps the newest `checkouts_kept` checkouts.
  void add_checkout_line(const order_record& sale);

  const std::map<uint64_t, recovered_checkout>& checkouts() const {
    return checkouts_;
  }
  void put_checkout(uint64_t id, recovered_checkout checkout);

  /// The sold checkouts as the coordinators take them back.
  std::vector<actors::restored_checkout> checkouts_to_restore() const;
  void add_units(const std::string& sku, const std::string& customer,
                 int64_t units);

  /// The sequence number of the last record folded in.
  uint64_t seq = 0;

  const std::map<std::string, recovered_product>& products() const {
    return products_;
  }

  /// The products as the actors take them back.
  std::vector<actors::restored_product> to_restore() const;

private:
  void forget_old_checkouts();

  size_t keys_per_product_;
  std::map<std::string, recovered_product> products_;
  std::map<uint64_t, recovered_checkout> checkouts_; // by id, oldest first
};

} // namespace doorbuster::persistence
