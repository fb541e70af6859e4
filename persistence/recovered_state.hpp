// The node's durable state folded from a base (PostgreSQL or a snapshot)
// and journal records: per product its stored form (domain::stored_product)
// and the newest sold checkouts. Recovery, snapshots and tests use it.
#pragma once

#include "domain/checkout.hpp"
#include "domain/stored_product.hpp"
#include "persistence/journal_record.hpp"

#include <map>
#include <string>
#include <vector>

namespace doorbuster::persistence {

class recovered_state {
public:
  explicit recovered_state(size_t keys_per_product)
    : keys_per_product_(keys_per_product) {}

  /// Applies one record; records of a product come in version order.
  void apply(const journal_record& rec);

  void put(domain::stored_product product);
  void remember(const std::string& sku, domain::remembered_purchase purchase);
  void add_hold(domain::hold_record hold);
  /// One sale of a checkout; keeps the newest
  /// domain::checkouts_remembered checkouts.
  void add_checkout_line(const domain::order& sale);
  void put_checkout(uint64_t id, domain::sold_checkout checkout);
  void add_units(const std::string& sku, const std::string& customer,
                 int64_t units);

  /// The sequence number of the last record folded in.
  uint64_t seq = 0;

  const std::map<std::string, domain::stored_product>& products() const {
    return products_;
  }

  /// By checkout id, oldest first.
  const std::map<uint64_t, domain::sold_checkout>& checkouts() const {
    return checkouts_;
  }

  /// The products that exist (a record of their state was seen), as the
  /// product actors take them back.
  std::vector<domain::stored_product> existing_products() const;

private:
  void forget_old_checkouts();

  size_t keys_per_product_;
  std::map<std::string, domain::stored_product> products_;
  std::map<uint64_t, domain::sold_checkout> checkouts_;
};

} // namespace doorbuster::persistence
