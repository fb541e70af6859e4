// The node's durable state folded from a base (PostgreSQL or a snapshot)
// and journal records: per product its stored form (domain::stored_product)
// and the newest sold checkouts. Recovery, snapshots and tests use it.
//
// A journal-only node keeps one for its snapshots as long as it runs, so
// it can keep its products packed: beyond `unpacked_at_most` products in
// their decoded form, all of them are encoded (msgpack, as in a snapshot,
// about 200 bytes for a small product against 450 decoded) until a record
// touches one again.
#pragma once

#include "domain/checkout.hpp"
#include "domain/stored_product.hpp"
#include "persistence/journal_record.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace doorbuster::persistence {

class recovered_state {
public:
  explicit recovered_state(
    size_t keys_per_product,
    size_t unpacked_at_most = std::numeric_limits<size_t>::max())
    : keys_per_product_(keys_per_product),
      unpacked_at_most_(unpacked_at_most) {}

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

  size_t product_count() const { return unpacked_.size() + packed_.size(); }

  /// A copy of one product; nullopt when none has that SKU.
  std::optional<domain::stored_product> product(const std::string& sku) const;

  /// Calls `f` with each product, in no particular order.
  void for_each_product(
    const std::function<void(const domain::stored_product&)>& f) const;

  /// Calls `f` with each product's msgpack encoding, in no particular order.
  void for_each_encoded(const std::function<void(std::string_view)>& f) const;

  /// By checkout id, oldest first.
  const std::map<uint64_t, domain::sold_checkout>& checkouts() const {
    return checkouts_;
  }

  /// The products that exist (a record of their state was seen), as the
  /// product actors take them back.
  std::vector<domain::stored_product> existing_products() const;

  /// existing_products(), moved out: afterwards the state holds every
  /// product packed (`keep_packed`) or none.
  std::vector<domain::stored_product> take_products(bool keep_packed);

  /// From now on, at most `n` products decoded.
  void unpack_at_most(size_t n) {
    unpacked_at_most_ = n;
    pack_if_many();
  }

private:
  /// The product with that SKU, decoded (created when there is none).
  domain::stored_product& slot(const std::string& sku);
  /// The product with that SKU, decoded; nullptr when there is none.
  domain::stored_product* find(const std::string& sku);
  /// Encodes every decoded product once there are too many.
  void pack_if_many();
  void forget_old_checkouts();

  size_t keys_per_product_;
  size_t unpacked_at_most_;
  std::unordered_map<std::string, domain::stored_product> unpacked_;
  std::unordered_map<std::string, std::string> packed_; // msgpack
  std::map<uint64_t, domain::sold_checkout> checkouts_;
};

} // namespace doorbuster::persistence
