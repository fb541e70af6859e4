// One product's state and rules: stock never negative, purchases idempotent
// by key, every change bumps the version. Plain class; the product actor is
// its only owner, so nothing here is synchronized.
#pragma once

#include "actors/idempotency_cache.hpp"
#include "actors/order_ids.hpp"
#include "actors/product_types.hpp"

namespace doorbuster::actors {

class product {
public:
  product(std::string sku, size_t idempotency_keys);

  /// True until the first replace() gives the product its fields.
  bool empty() const { return version_ == 0; }

  const std::string& sku() const { return sku_; }
  const product_fields& fields() const { return fields_; }
  uint64_t version() const { return version_; }

  /// Sells `req.quantity` units iff that many are on hand. A key seen before
  /// returns its first answer, or idempotency_key_reused for another request.
  /// `changed` tells whether the state moved (false on a replay or error).
  purchase_result purchase(const purchase_request& req, order_ids& ids,
                           bool& changed);

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

  std::string sku_;
  product_fields fields_;
  uint64_t version_ = 0;
  idempotency_cache<purchase_key, purchase_result> idempotency_;
};

} // namespace doorbuster::actors
