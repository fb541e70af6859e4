#include "persistence/recovered_state.hpp"

namespace doorbuster::persistence {

namespace {

/// Moves a product's counters forward; records of a product come in version
/// order, so an older one changes nothing.
void advance(product_record& state, int64_t stock, int64_t reserved,
             uint64_t version) {
  if (version <= state.version)
    return;
  state.stock = stock;
  state.reserved = reserved;
  state.version = version;
}

} // namespace

void recovered_state::apply(const journal_record& rec) {
  seq = std::max(seq, rec.seq);
  std::visit(
    [this](const auto& r) {
      using T = std::decay_t<decltype(r)>;
      if constexpr (std::is_same_v<T, product_record>) {
        auto& slot = products_[r.sku];
        if (r.version > slot.state.version)
          slot.state = r;
      } else if constexpr (std::is_same_v<T, checkout_record>) {
        for (const auto& line : r.lines) {
          auto found = products_.find(line.sku);
          if (found == products_.end())
            continue;
          auto hold = found->second.holds.find(r.checkout_id);
          if (hold != found->second.holds.end())
            hold->second.order_id = line.order_id;
        }
      } else {
        auto found = products_.find(r.sku);
        if (found == products_.end())
          return; // a change needs its product; nothing to attach it to
        auto& product = found->second;
        advance(product.state, r.stock_after, r.reserved_after,
                r.version_after);
        if constexpr (std::is_same_v<T, order_record>) {
          if (r.checkout_id != 0) {
            // Its units were counted for the customer with the hold.
            product.holds.erase(r.checkout_id);
            add_checkout_line(r);
            return;
          }
          product.customers[r.customer_id] += r.quantity;
          if (!r.idempotency_key.empty())
            remember(r.sku, {r.idempotency_key, r.quantity, r.customer_id,
                             r.order_id, r.stock_after - r.reserved_after});
        } else if constexpr (std::is_same_v<T, hold_record>) {
          auto [hold, added] = product.holds.emplace(r.checkout_id, r);
          if (added)
            product.customers[r.customer_id] += r.quantity;
          else
            hold->second.expires_at_ms = r.expires_at_ms; // extended
        } else {
          auto hold = product.holds.find(r.checkout_id);
          if (hold == product.holds.end())
            return;
          auto& units = product.customers[hold->second.customer_id];
          units -= hold->second.quantity;
          if (units <= 0)
            product.customers.erase(hold->second.customer_id);
          product.holds.erase(hold);
        }
      }
    },
    rec.entry);
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

void recovered_state::add_hold(hold_record hold) {
  auto id = hold.checkout_id;
  auto sku = hold.sku;
  products_[sku].holds[id] = std::move(hold);
}

void recovered_state::add_units(const std::string& sku,
                                const std::string& customer, int64_t units) {
  products_[sku].customers[customer] += units;
}

void recovered_state::add_checkout_line(const order_record& sale) {
  auto& c = checkouts_[sale.checkout_id];
  c.customer_id = sale.customer_id;
  c.idempotency_key = sale.idempotency_key;
  c.kind = sale.checkout_kind;
  c.lines.push_back(sale);
  forget_old_checkouts();
}

void recovered_state::put_checkout(uint64_t id, recovered_checkout checkout) {
  checkouts_[id] = std::move(checkout);
  forget_old_checkouts();
}

void recovered_state::forget_old_checkouts() {
  while (checkouts_.size() > checkouts_kept)
    checkouts_.erase(checkouts_.begin()); // the oldest id
}

std::vector<actors::restored_checkout>
recovered_state::checkouts_to_restore() const {
  std::vector<actors::restored_checkout> result;
  result.reserve(checkouts_.size());
  for (const auto& [id, c] : checkouts_) {
    actors::restored_checkout r;
    r.checkout_id = id;
    r.customer_id = c.customer_id;
    r.idempotency_key = c.idempotency_key;
    r.kind = static_cast<actors::hold_kind>(c.kind);
    for (const auto& sale : c.lines) {
      actors::line_result line;
      line.sku = sale.sku;
      line.quantity = sale.quantity;
      line.order_id = sale.order_id;
      line.unit_price = sale.unit_price;
      line.currency = sale.currency;
      r.lines.push_back(std::move(line));
    }
    result.push_back(std::move(r));
  }
  return result;
}

std::vector<actors::restored_product> recovered_state::to_restore() const {
  std::vector<actors::restored_product> result;
  result.reserve(products_.size());
  for (const auto& [sku, p] : products_) {
    if (p.state.version == 0)
      continue;
    const auto& s = p.state;
    actors::restored_product r;
    r.sku = sku;
    r.fields = {s.name, s.description, s.category, s.price, s.currency,
                s.stock};
    r.rules = {s.max_per_order, s.max_per_customer, s.sale_starts_at_ms,
               s.sale_ends_at_ms, s.paused};
    r.reserved = s.reserved;
    r.version = s.version;
    for (const auto& o : p.orders) {
      actors::purchase_result answer;
      answer.order_id = o.order_id;
      answer.sku = sku;
      answer.quantity = o.quantity;
      answer.remaining = o.remaining;
      r.orders.push_back({o.key, o.quantity, o.customer_id, answer});
    }
    for (const auto& [id, h] : p.holds) {
      actors::hold hold;
      hold.checkout_id = id;
      hold.customer_id = h.customer_id;
      hold.quantity = h.quantity;
      hold.expires_at_ms = h.expires_at_ms;
      hold.kind = static_cast<actors::hold_kind>(h.kind);
      hold.idempotency_key = h.idempotency_key;
      hold.order_id = h.order_id;
      r.holds.push_back(std::move(hold));
    }
    r.customers.assign(p.customers.begin(), p.customers.end());
    result.push_back(std::move(r));
  }
  return result;
}

} // namespace doorbuster::persistence
