#include "actors/product.hpp"

#include "actors/product_doc.hpp"

#include <algorithm>

namespace doorbuster::actors {

product::product(std::string sku, size_t idempotency_keys)
  : sku_(std::move(sku)), idempotency_(idempotency_keys) {}

int64_t product::units_of(const std::string& customer) const {
  auto i = customer_units_.find(customer);
  return i == customer_units_.end() ? 0 : i->second;
}

void product::add_units(const std::string& customer, int64_t delta) {
  auto& units = customer_units_[customer];
  units += delta;
  if (units <= 0)
    customer_units_.erase(customer);
}

errc product::admit(const std::string& customer, int64_t quantity,
                    int64_t now_ms, int64_t& allowance) const {
  allowance = -1;
  if (rules_.paused || (rules_.sale_starts_at_ms != 0
                        && now_ms < rules_.sale_starts_at_ms)
      || (rules_.sale_ends_at_ms != 0 && now_ms >= rules_.sale_ends_at_ms))
    return errc::not_on_sale;
  if (rules_.max_per_order != 0)
    allowance = rules_.max_per_order;
  if (rules_.max_per_customer != 0) {
    auto left = std::max<int64_t>(0, rules_.max_per_customer
                                       - units_of(customer));
    allowance = allowance < 0 ? left : std::min(allowance, left);
  }
  if (allowance >= 0 && quantity > allowance)
    return errc::limit_exceeded;
  if (quantity > available())
    return errc::insufficient_stock;
  return errc::ok;
}

purchase_result product::purchase(const purchase_request& req, int64_t now_ms,
                                  order_ids& ids, bool& changed) {
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
  // Refusals are not remembered under the key: a retry may succeed later.
  res.error = admit(req.customer_id, req.quantity, now_ms, res.allowance);
  if (res.error != errc::ok) {
    res.remaining = available();
    return res;
  }
  fields_.stock -= req.quantity;
  add_units(req.customer_id, req.quantity);
  ++version_;
  changed = true;
  ++orders_;
  res.order_id = ids.next();
  res.remaining = available();
  res.allowance = -1;
  if (!req.idempotency_key.empty())
    idempotency_.insert(req.idempotency_key,
                        purchase_key{req.quantity, req.customer_id}, res);
  return res;
}

line_result product::place_hold(const hold_request& req, int64_t now_ms) {
  line_result res;
  res.sku = sku_;
  res.quantity = req.quantity;
  if (holds_.count(req.checkout_id) != 0) {
    res.error = errc::reservation_busy; // never sent twice by a coordinator
    return res;
  }
  res.error = admit(req.customer_id, req.quantity, now_ms, res.allowance);
  res.available = available();
  if (res.error != errc::ok)
    return res;
  hold h;
  h.checkout_id = req.checkout_id;
  h.customer_id = req.customer_id;
  h.quantity = req.quantity;
  h.expires_at_ms = req.expires_at_ms;
  h.kind = req.kind;
  h.idempotency_key = req.idempotency_key;
  h.locked = req.kind == hold_kind::order; // decided by its coordinator
  holds_.emplace(req.checkout_id, std::move(h));
  reserved_ += req.quantity;
  add_units(req.customer_id, req.quantity);
  ++version_;
  res.available = available();
  res.allowance = -1;
  res.unit_price = fields_.price;
  res.currency = fields_.currency;
  return res;
}

const hold* product::find_hold(uint64_t checkout_id) const {
  auto i = holds_.find(checkout_id);
  return i == holds_.end() ? nullptr : &i->second;
}

std::vector<hold> product::holds_snapshot() const {
  std::vector<hold> result;
  result.reserve(holds_.size());
  for (const auto& [id, h] : holds_)
    result.push_back(h);
  return result;
}

bool product::release(uint64_t checkout_id) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end())
    return false;
  reserved_ -= i->second.quantity;
  add_units(i->second.customer_id, -i->second.quantity);
  holds_.erase(i);
  ++version_;
  return true;
}

errc product::lock(uint64_t checkout_id, int64_t now_ms) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end() || now_ms >= i->second.expires_at_ms)
    return errc::reservation_expired;
  if (rules_.paused)
    return errc::not_on_sale;
  i->second.locked = true;
  return errc::ok;
}

void product::unlock(uint64_t checkout_id) {
  if (auto i = holds_.find(checkout_id); i != holds_.end())
    i->second.locked = false;
}

errc product::extend(uint64_t checkout_id, int64_t expires_at_ms,
                     int64_t now_ms) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end() || now_ms >= i->second.expires_at_ms)
    return errc::reservation_expired;
  if (i->second.locked)
    return errc::reservation_busy;
  i->second.expires_at_ms = expires_at_ms;
  ++version_;
  return errc::ok;
}

bool product::sell_hold(uint64_t checkout_id, uint64_t order_id,
                        line_result& out) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end())
    return false;
  // The customer's units were counted when the hold was placed.
  fields_.stock -= i->second.quantity;
  reserved_ -= i->second.quantity;
  out.sku = sku_;
  out.quantity = i->second.quantity;
  out.order_id = order_id;
  out.unit_price = fields_.price;
  out.currency = fields_.currency;
  holds_.erase(i);
  ++version_;
  ++orders_;
  out.available = available();
  return true;
}

void product::replace(product_fields fields) {
  fields_ = std::move(fields);
  ++version_;
}

void product::restore(const restored_product& saved) {
  fields_ = saved.fields;
  rules_ = saved.rules;
  reserved_ = saved.reserved;
  version_ = saved.version;
  for (const auto& o : saved.orders)
    idempotency_.insert(o.key, purchase_key{o.quantity, o.customer_id},
                        o.answer);
  for (const auto& h : saved.holds)
    holds_.emplace(h.checkout_id, h);
  for (const auto& [customer, units] : saved.customers)
    customer_units_[customer] = units;
}

errc product::apply(const product_patch& patch) {
  int64_t stock = fields_.stock;
  if (patch.stock)
    stock = *patch.stock;
  if (patch.stock_delta)
    stock += *patch.stock_delta; // both within +-max_amount: no overflow
  if (stock > max_amount)
    return errc::stock_out_of_range;
  if (stock < reserved_) // never below zero, nor below what is held
    return patch.stock_delta ? errc::insufficient_stock
                             : errc::stock_out_of_range;
  auto rules = rules_;
  if (patch.max_per_order)
    rules.max_per_order = *patch.max_per_order;
  if (patch.max_per_customer)
    rules.max_per_customer = *patch.max_per_customer;
  if (patch.sale_starts_at_ms)
    rules.sale_starts_at_ms = *patch.sale_starts_at_ms;
  if (patch.sale_ends_at_ms)
    rules.sale_ends_at_ms = *patch.sale_ends_at_ms;
  if (patch.paused)
    rules.paused = *patch.paused;
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
  rules_ = rules;
  ++version_;
  return errc::ok;
}

product_doc_ptr product::render() const {
  return render_product_doc(sku_, fields_, rules_, reserved_, version_);
}

} // namespace doorbuster::actors
