#include "actors/product.hpp"

#include "actors/product_doc.hpp"

namespace doorbuster::actors {

product::product(std::string sku, size_t idempotency_keys)
  : sku_(std::move(sku)), idempotency_(idempotency_keys) {}

purchase_result product::purchase(const purchase_request& req, order_ids& ids,
                                  bool& changed) {
  changed = false;
  if (!req.idempotency_key.empty()) {
    if (auto seen = idempotency_.find(req.idempotency_key)) {
      if (seen->request.quantity == req.quantity
          && seen->request.customer_id == req.customer_id)
        return seen->answer;
      purchase_result res;
      res.error = errc::idempotency_key_reused;
      res.sku = sku_;
      return res;
    }
  }
  purchase_result res;
  res.sku = sku_;
  res.quantity = req.quantity;
  if (req.quantity > fields_.stock) {
    // Not remembered under the key: a retry may succeed after a restock.
    res.error = errc::insufficient_stock;
    res.remaining = fields_.stock;
    return res;
  }
  fields_.stock -= req.quantity;
  ++version_;
  changed = true;
  res.order_id = ids.next();
  res.remaining = fields_.stock;
  if (!req.idempotency_key.empty())
    idempotency_.insert(req.idempotency_key,
                        purchase_key{req.quantity, req.customer_id}, res);
  return res;
}

void product::replace(product_fields fields) {
  fields_ = std::move(fields);
  ++version_;
}

void product::restore(const restored_product& saved) {
  fields_ = saved.fields;
  version_ = saved.version;
  for (const auto& o : saved.orders)
    idempotency_.insert(o.key, purchase_key{o.quantity, o.customer_id},
                        o.answer);
}

errc product::apply(const product_patch& patch) {
  int64_t stock = fields_.stock;
  if (patch.stock)
    stock = *patch.stock;
  if (patch.stock_delta) {
    // Both operands are within +-max_amount, so the sum cannot overflow.
    stock += *patch.stock_delta;
    if (stock < 0)
      return errc::insufficient_stock;
  }
  if (stock < 0 || stock > max_amount)
    return errc::stock_out_of_range;
  if (patch.name)
    fields_.name = *patch.name;
  if (patch.description)
    fields_.description = *patch.description;
  if (patch.category)
    fields_.category = *patch.category;
  if (patch.price)
    fields_.price = *patch.price;
  if (patch.currency)
    fields_.currency = *patch.currency;
  fields_.stock = stock;
  ++version_;
  return errc::ok;
}

product_doc_ptr product::render() const {
  return render_product_doc(sku_, fields_, version_);
}

} // namespace doorbuster::actors
