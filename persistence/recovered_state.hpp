// The node's durable state folded from a base (PostgreSQL or a snapshot)
// and journal records: per product its latest state, the answers of its
// newest idempotent purchases, its live holds and the units each customer
// took. Recovery, snapshots and tests use it.
#pragma once

#include "actors/product_types.hpp"
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

class recovered_state {
public:
  explicit recovered_state(size_t keys_per_product)
    : keys_per_product_(keys_per_product) {}

  /// Applies one record; records of a product come in version order.
  void apply(const journal_record& rec);

  void put(recovered_product product);
  void remember(const std::string& sku, remembered_order order);
  void add_hold(hold_record hold);
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
  size_t keys_per_product_;
  std::map<std::string, recovered_product> products_;
};

} // namespace doorbuster::persistence
