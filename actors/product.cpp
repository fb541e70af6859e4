#include "actors/product.hpp"

#include "actors/product_doc.hpp"

#include <algorithm>

namespace doorbuster::actors {

using domain::errc;

product::product(std::string sku, size_t idempotency_keys)
  : idempotency_(idempotency_keys) {
  state_.sku = std::move(sku);
}

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
  const auto& rules = state_.rules;
  allowance = -1;
  if (rules.paused
      || (rules.sale_starts_at_ms != 0 && now_ms < rules.sale_starts_at_ms)
      || (rules.sale_ends_at_ms != 0 && now_ms >= rules.sale_ends_at_ms))
    return errc::not_on_sale;
  if (rules.max_per_order != 0)
    allowance = rules.max_per_order;
  if (rules.max_per_customer != 0) {
    auto left = std::max<int64_t>(0, rules.max_per_customer
                                       - units_of(customer));
    allowance = allowance < 0 ? left : std::min(allowance, left);
  }
  if (allowance >= 0 && quantity > allowance)
    return errc::limit_exceeded;
  if (quantity > available())
    return errc::insufficient_stock;
  return errc::ok;
}

domain::purchase_result product::purchase(const domain::purchase_request& req,
                                          int64_t now_ms, order_ids& ids,
                                          std::optional<domain::order>& sold) {
  sold.reset();
  domain::purchase_result res;
  res.sku = sku();
  res.quantity = req.quantity;
  if (!req.idempotency_key.empty()) {
    if (hold_keys_.count(req.idempotency_key) != 0) {
      res.error = errc::idempotency_key_reused; // a checkout's key
      res.quantity = 0;
      return res;
    }
    if (auto seen = idempotency_.find(req.idempotency_key)) {
      if (seen->checkout_id != 0 || seen->quantity != req.quantity
          || seen->customer_id != req.customer_id) {
        res.error = errc::idempotency_key_reused;
        res.quantity = 0;
        return res;
      }
      res.order_id = seen->order_id;
      res.remaining = seen->remaining;
      return res;
    }
  }
  // Refusals are not remembered under the key: a retry may succeed later.
  res.error = admit(req.customer_id, req.quantity, now_ms, res.allowance);
  if (res.error != errc::ok) {
    res.remaining = available();
    return res;
  }
  state_.fields.stock -= req.quantity;
  add_units(req.customer_id, req.quantity);
  ++state_.version;
  ++orders_;
  res.order_id = ids.next();
  res.remaining = available();
  res.allowance = -1;
  if (!req.idempotency_key.empty())
    idempotency_.insert(req.idempotency_key,
                        {req.idempotency_key, req.quantity, req.customer_id,
                         res.order_id, res.remaining});
  sold = domain::order{.order_id = res.order_id,
                       .sku = sku(),
                       .quantity = req.quantity,
                       .customer_id = req.customer_id,
                       .idempotency_key = req.idempotency_key,
                       .unit_price = state_.fields.price,
                       .currency = state_.fields.currency,
                       .created_at_ms = now_ms,
                       .after = state_.counts()};
  return res;
}

size_t product::holds_of(const std::string& holder) const {
  auto i = holder_holds_.find(holder);
  return i == holder_holds_.end() ? 0 : i->second;
}

void product::count_holder(const domain::hold& h, int delta) {
  if (h.kind != domain::checkout_kind::reservation || h.holder.empty())
    return;
  auto& n = holder_holds_[h.holder];
  n += delta;
  if (n == 0)
    holder_holds_.erase(h.holder);
}

domain::line_result product::place_hold(const domain::hold& wanted,
                                        int64_t now_ms, uint64_t supersedes,
                                        size_t holder_cap) {
  domain::line_result res;
  res.sku = sku();
  res.quantity = wanted.quantity;
  if (holds_.count(wanted.checkout_id) != 0) {
    res.error = errc::reservation_busy; // never sent twice by a coordinator
    return res;
  }
  if (const auto& key = wanted.idempotency_key; !key.empty()) {
    uint64_t other = wanted.checkout_id; // the key is free here
    uint64_t sold_as = 0;
    bool busy = false;
    if (auto i = hold_keys_.find(key); i != hold_keys_.end()) {
      // A decided hold (its order id set) is as good as sold; a locked one
      // may be sold any moment.
      auto decided = holds_.at(i->second).order_id;
      busy = locked(i->second);
      if (i->second != supersedes || decided != 0 || busy) {
        other = i->second;
        sold_as = decided;
      }
    } else if (auto seen = idempotency_.find(key)) {
      if (seen->order_id != 0 || seen->checkout_id != supersedes) {
        other = seen->checkout_id;
        sold_as = seen->order_id;
      }
    }
    if (other == 0) {
      res.error = errc::idempotency_key_reused; // a purchase's key
      return res;
    }
    if (other != wanted.checkout_id) {
      res.error = errc::checkout_elsewhere;
      res.held_by = other;
      res.order_id = sold_as;
      res.held_busy = busy;
      return res;
    }
  }
  if (wanted.kind == domain::checkout_kind::reservation) {
    auto max_hold_ms = state_.rules.max_hold_s * 1000;
    if (max_hold_ms != 0 && wanted.expires_at_ms - now_ms > max_hold_ms) {
      res.error = errc::ttl_out_of_range;
      return res;
    }
    if (holder_cap != 0 && !wanted.holder.empty()
        && holds_of(wanted.holder) >= holder_cap) {
      res.error = errc::too_many_holds;
      return res;
    }
  }
  res.error = admit(wanted.customer_id, wanted.quantity, now_ms,
                    res.allowance);
  res.available = available();
  if (res.error != errc::ok)
    return res;
  auto& h = holds_.emplace(wanted.checkout_id, wanted).first->second;
  h.sku = sku();
  h.placed_at_ms = now_ms;
  count_holder(h, 1);
  if (!h.idempotency_key.empty())
    hold_keys_[h.idempotency_key] = h.checkout_id;
  h.order_id = 0;
  if (h.kind == domain::checkout_kind::order)
    locked_.insert(h.checkout_id); // decided by its coordinator
  state_.reserved += wanted.quantity;
  add_units(wanted.customer_id, wanted.quantity);
  ++state_.version;
  res.available = available();
  res.allowance = -1;
  res.unit_price = state_.fields.price;
  res.currency = state_.fields.currency;
  return res;
}

const domain::hold* product::find_hold(uint64_t checkout_id) const {
  auto i = holds_.find(checkout_id);
  return i == holds_.end() ? nullptr : &i->second;
}

domain::hold_record product::hold_record_of(uint64_t checkout_id) const {
  return {holds_.at(checkout_id), state_.counts()};
}

std::vector<domain::hold> product::holds_snapshot() const {
  std::vector<domain::hold> result;
  result.reserve(holds_.size());
  for (const auto& [id, h] : holds_)
    result.push_back(h);
  return result;
}

std::optional<domain::release_record> product::release(uint64_t checkout_id) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end())
    return std::nullopt;
  state_.reserved -= i->second.quantity;
  add_units(i->second.customer_id, -i->second.quantity);
  forget_hold_key(i->second);
  count_holder(i->second, -1);
  // The key stays the checkout's (it sold nothing here): a retry elsewhere
  // still finds its coordinator.
  if (const auto& h = i->second;
      !h.idempotency_key.empty() && !idempotency_.find(h.idempotency_key))
    idempotency_.insert(h.idempotency_key,
                        {h.idempotency_key, h.quantity, h.customer_id, 0,
                         available(), checkout_id});
  holds_.erase(i);
  locked_.erase(checkout_id);
  ++state_.version;
  return domain::release_record{checkout_id, sku(), state_.counts()};
}

errc product::lock(uint64_t checkout_id, int64_t now_ms) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end() || now_ms >= i->second.expires_at_ms)
    return errc::reservation_expired;
  if (state_.rules.paused)
    return errc::not_on_sale;
  locked_.insert(checkout_id);
  return errc::ok;
}

void product::unlock(uint64_t checkout_id) {
  locked_.erase(checkout_id);
}

errc product::extend(uint64_t checkout_id, int64_t expires_at_ms,
                     int64_t now_ms) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end() || now_ms >= i->second.expires_at_ms)
    return errc::reservation_expired;
  if (locked(checkout_id))
    return errc::reservation_busy;
  if (auto max_hold_ms = state_.rules.max_hold_s * 1000;
      max_hold_ms != 0 && i->second.placed_at_ms != 0
      && expires_at_ms - i->second.placed_at_ms > max_hold_ms)
    return errc::ttl_out_of_range;
  i->second.expires_at_ms = expires_at_ms;
  ++state_.version;
  return errc::ok;
}

std::optional<domain::order> product::sell_hold(uint64_t checkout_id,
                                                uint64_t order_id,
                                                int64_t now_ms,
                                                domain::line_result& out) {
  auto i = holds_.find(checkout_id);
  if (i == holds_.end())
    return std::nullopt;
  auto h = std::move(i->second);
  holds_.erase(i);
  locked_.erase(checkout_id);
  forget_hold_key(h);
  count_holder(h, -1);
  // The customer's units were counted when the hold was placed.
  state_.fields.stock -= h.quantity;
  state_.reserved -= h.quantity;
  ++state_.version;
  ++orders_;
  if (!h.idempotency_key.empty()) // a sale outranks a release of the key
    idempotency_.assign(h.idempotency_key,
                        {h.idempotency_key, h.quantity, h.customer_id,
                         order_id, available(), checkout_id});
  out.sku = sku();
  out.quantity = h.quantity;
  out.order_id = order_id;
  out.unit_price = state_.fields.price;
  out.currency = state_.fields.currency;
  out.available = available();
  return domain::order{.order_id = order_id,
                       .sku = sku(),
                       .quantity = h.quantity,
                       .customer_id = std::move(h.customer_id),
                       .idempotency_key = std::move(h.idempotency_key),
                       .unit_price = state_.fields.price,
                       .currency = state_.fields.currency,
                       .created_at_ms = now_ms,
                       .after = state_.counts(),
                       .checkout_id = checkout_id,
                       .kind = h.kind};
}

void product::forget_hold_key(const domain::hold& h) {
  auto i = hold_keys_.find(h.idempotency_key);
  if (i != hold_keys_.end() && i->second == h.checkout_id)
    hold_keys_.erase(i);
}

void product::replace(domain::product_fields fields) {
  state_.fields = std::move(fields);
  ++state_.version;
}

void product::restore(const domain::stored_product& saved) {
  state_ = saved.state;
  for (const auto& p : saved.purchases)
    idempotency_.insert(p.key, p);
  for (const auto& [id, h] : saved.holds) {
    holds_.emplace(id, h.placed);
    count_holder(h.placed, 1);
    if (!h.placed.idempotency_key.empty())
      hold_keys_[h.placed.idempotency_key] = id;
  }
  for (const auto& [customer, units] : saved.customers)
    customer_units_[customer] = units;
}

domain::stored_product product::save() const {
  domain::stored_product saved;
  saved.state = state_;
  idempotency_.for_each([&](const std::string&, const auto& p) {
    saved.purchases.push_back(p);
  });
  for (const auto& [id, h] : holds_)
    saved.holds.emplace(id, domain::hold_record{h, state_.counts()});
  for (const auto& [customer, units] : customer_units_)
    saved.customers.emplace(customer, units);
  return saved;
}

errc product::apply(const domain::product_patch& patch) {
  int64_t stock = state_.fields.stock;
  if (patch.stock)
    stock = *patch.stock;
  if (patch.stock_delta)
    stock += *patch.stock_delta; // both within +-max_amount: no overflow
  if (stock > domain::max_amount)
    return errc::stock_out_of_range;
  if (stock < state_.reserved) // never below zero, nor below what is held
    return patch.stock_delta ? errc::insufficient_stock
                             : errc::stock_out_of_range;
  auto rules = state_.rules;
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
  if (patch.max_hold_s)
    rules.max_hold_s = *patch.max_hold_s;
  auto& f = state_.fields;
  if (patch.name)
    f.name = *patch.name;
  if (patch.description)
    f.description = *patch.description;
  if (patch.category)
    f.category = *patch.category;
  if (patch.price)
    f.price = *patch.price;
  if (patch.currency)
    f.currency = *patch.currency;
  f.stock = stock;
  state_.rules = rules;
  ++state_.version;
  return errc::ok;
}

domain::product_doc_ptr product::render() const {
  return render_product_doc(state_);
}

} // namespace doorbuster::actors
