#include "persistence/recovered_state.hpp"

namespace doorbuster::persistence {

namespace {

/// Moves a product's counters forward; records of a product come in version
/// order, so an older one changes nothing.
void advance(domain::product_state& state, const domain::counters& after) {
  if (after.version <= state.version)
    return;
  state.fields.stock = after.stock;
  state.reserved = after.reserved;
  state.version = after.version;
}

} // namespace

void recovered_state::apply(const journal_record& rec) {
  seq = std::max(seq, rec.seq);
  std::visit(
    [this](const auto& r) {
      using T = std::decay_t<decltype(r)>;
      if constexpr (std::is_same_v<T, domain::product_state>) {
        auto& slot = products_[r.sku];
        if (r.version > slot.state.version)
          slot.state = r;
      } else if constexpr (std::is_same_v<T, domain::checkout_decision>) {
        for (const auto& line : r.lines) {
          auto found = products_.find(line.sku);
          if (found == products_.end())
            continue;
          auto hold = found->second.holds.find(r.checkout_id);
          if (hold != found->second.holds.end())
            hold->second.placed.order_id = line.order_id;
        }
      } else if constexpr (std::is_same_v<T, domain::order>) {
        auto found = products_.find(r.sku);
        if (found == products_.end())
          return; // a change needs its product; nothing to attach it to
        auto& product = found->second;
        advance(product.state, r.after);
        if (r.checkout_id != 0) {
          // Its units were counted for the customer with the hold.
          product.holds.erase(r.checkout_id);
          add_checkout_line(r);
          if (!r.idempotency_key.empty()) // no other checkout takes the key
            remember(r.sku, {r.idempotency_key, r.quantity, r.customer_id,
                             r.order_id, r.after.stock - r.after.reserved,
                             r.checkout_id});
          return;
        }
        product.customers[r.customer_id] += r.quantity;
        if (!r.idempotency_key.empty())
          remember(r.sku, {r.idempotency_key, r.quantity, r.customer_id,
                           r.order_id, r.after.stock - r.after.reserved});
      } else if constexpr (std::is_same_v<T, domain::hold_record>) {
        auto found = products_.find(r.placed.sku);
        if (found == products_.end())
          return;
        auto& product = found->second;
        advance(product.state, r.after);
        auto [hold, added] = product.holds.emplace(r.placed.checkout_id, r);
        if (added)
          product.customers[r.placed.customer_id] += r.placed.quantity;
        else
          hold->second.placed.expires_at_ms = r.placed.expires_at_ms;
      } else {
        static_assert(std::is_same_v<T, domain::release_record>);
        auto found = products_.find(r.sku);
        if (found == products_.end())
          return;
        auto& product = found->second;
        advance(product.state, r.after);
        auto hold = product.holds.find(r.checkout_id);
        if (hold == product.holds.end())
          return;
        const auto& placed = hold->second.placed;
        auto& units = product.customers[placed.customer_id];
        units -= placed.quantity;
        if (units <= 0)
          product.customers.erase(placed.customer_id);
        product.holds.erase(hold);
      }
    },
    rec.entry);
}

void recovered_state::put(domain::stored_product product) {
  auto sku = product.state.sku;
  products_[sku] = std::move(product);
}

void recovered_state::remember(const std::string& sku,
                               domain::remembered_purchase purchase) {
  // Trimmed a quarter of the bound at a time, so a hot product's keys cost
  // amortized O(1); restoring into a product keeps only the newest ones.
  auto& purchases = products_[sku].purchases;
  purchases.push_back(std::move(purchase));
  if (purchases.size() > keys_per_product_ + keys_per_product_ / 4)
    purchases.erase(purchases.begin(),
                    purchases.end()
                      - static_cast<std::ptrdiff_t>(keys_per_product_));
}

void recovered_state::add_hold(domain::hold_record hold) {
  auto id = hold.placed.checkout_id;
  auto sku = hold.placed.sku;
  products_[sku].holds[id] = std::move(hold);
}

void recovered_state::add_units(const std::string& sku,
                                const std::string& customer, int64_t units) {
  products_[sku].customers[customer] += units;
}

void recovered_state::add_checkout_line(const domain::order& sale) {
  auto& c = checkouts_[sale.checkout_id];
  c.customer_id = sale.customer_id;
  c.idempotency_key = sale.idempotency_key;
  c.kind = sale.kind;
  c.lines.push_back(sale);
  forget_old_checkouts();
}

void recovered_state::put_checkout(uint64_t id,
                                   domain::sold_checkout checkout) {
  checkouts_[id] = std::move(checkout);
  forget_old_checkouts();
}

void recovered_state::forget_old_checkouts() {
  while (checkouts_.size() > domain::checkouts_remembered)
    checkouts_.erase(checkouts_.begin()); // the oldest id
}

std::vector<domain::stored_product>
recovered_state::existing_products() const {
  std::vector<domain::stored_product> result;
  result.reserve(products_.size());
  for (const auto& [sku, p] : products_)
    if (p.state.version != 0)
      result.push_back(p);
  return result;
}

} // namespace doorbuster::persistence
