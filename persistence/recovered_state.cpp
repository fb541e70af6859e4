#include "persistence/recovered_state.hpp"

namespace doorbuster::persistence {

void recovered_state::apply(const journal_record& rec) {
  seq = std::max(seq, rec.seq);
  if (auto* p = std::get_if<product_record>(&rec.entry)) {
    auto& slot = products_[p->sku];
    if (p->version > slot.state.version)
      slot.state = *p;
    return;
  }
  const auto& o = std::get<order_record>(rec.entry);
  auto found = products_.find(o.sku);
  if (found == products_.end())
    return; // an order needs its product; nothing to attach it to
  auto& product = found->second;
  if (o.version_after > product.state.version) {
    product.state.stock = o.stock_after;
    product.state.version = o.version_after;
  }
  if (!o.idempotency_key.empty())
    remember(o.sku, {o.idempotency_key, o.quantity, o.customer_id, o.order_id,
                     o.stock_after});
}

void recovered_state::put(recovered_product product) {
  auto sku = product.state.sku;
  products_[sku] = std::move(product);
}

void recovered_state::remember(const std::string& sku,
                               remembered_order order) {
  auto& orders = products_[sku].orders;
  orders.push_back(std::move(order));
  while (orders.size() > keys_per_product_)
    orders.pop_front();
}

std::vector<actors::restored_product> recovered_state::to_restore() const {
  std::vector<actors::restored_product> result;
  result.reserve(products_.size());
  for (const auto& [sku, p] : products_) {
    if (p.state.version == 0)
      continue;
    actors::restored_product r;
    r.sku = sku;
    r.fields = {p.state.name,  p.state.description, p.state.category,
                p.state.price, p.state.currency,    p.state.stock};
    r.version = p.state.version;
    for (const auto& o : p.orders) {
      actors::purchase_result answer;
      answer.order_id = o.order_id;
      answer.sku = sku;
      answer.quantity = o.quantity;
      answer.remaining = o.remaining;
      r.orders.push_back({o.key, o.quantity, o.customer_id, answer});
    }
    result.push_back(std::move(r));
  }
  return result;
}

} // namespace doorbuster::persistence
