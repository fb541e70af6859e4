#include "persistence/recovered_state.hpp"

#include "persistence/codec.hpp"

namespace doorbuster::persistence {

namespace {

domain::stored_product unpack(const std::string& packed) {
  return decode<domain::stored_product>(packed.data(), packed.size());
}

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
        auto& product = slot(r.sku);
        if (r.version > product.state.version)
          product.state = r;
      } else if constexpr (std::is_same_v<T, domain::checkout_decision>) {
        for (const auto& line : r.lines) {
          auto* found = find(line.sku);
          if (found == nullptr)
            continue;
          auto hold = found->holds.find(r.checkout_id);
          if (hold != found->holds.end())
            hold->second.placed.order_id = line.order_id;
        }
      } else if constexpr (std::is_same_v<T, domain::order>) {
        auto* found = find(r.sku);
        if (found == nullptr)
          return; // a change needs its product; nothing to attach it to
        auto& product = *found;
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
        auto* found = find(r.placed.sku);
        if (found == nullptr)
          return;
        auto& product = *found;
        advance(product.state, r.after);
        auto [hold, added] = product.holds.emplace(r.placed.checkout_id, r);
        if (added)
          product.customers[r.placed.customer_id] += r.placed.quantity;
        else
          hold->second.placed.expires_at_ms = r.placed.expires_at_ms;
      } else {
        static_assert(std::is_same_v<T, domain::release_record>);
        auto* found = find(r.sku);
        if (found == nullptr)
          return;
        auto& product = *found;
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
  pack_if_many();
}

void recovered_state::put(domain::stored_product product) {
  auto sku = product.state.sku;
  packed_.erase(sku);
  unpacked_[sku] = std::move(product);
  pack_if_many();
}

void recovered_state::remember(const std::string& sku,
                               domain::remembered_purchase purchase) {
  // Trimmed a quarter of the bound at a time, so a hot product's keys cost
  // amortized O(1); restoring into a product keeps only the newest ones.
  auto& purchases = slot(sku).purchases;
  purchases.push_back(std::move(purchase));
  if (purchases.size() > keys_per_product_ + keys_per_product_ / 4)
    purchases.erase(purchases.begin(),
                    purchases.end()
                      - static_cast<std::ptrdiff_t>(keys_per_product_));
}

void recovered_state::add_hold(domain::hold_record hold) {
  auto id = hold.placed.checkout_id;
  auto sku = hold.placed.sku;
  slot(sku).holds[id] = std::move(hold);
  pack_if_many();
}

void recovered_state::add_units(const std::string& sku,
                                const std::string& customer, int64_t units) {
  slot(sku).customers[customer] += units;
  pack_if_many();
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
  result.reserve(product_count());
  for_each_product([&result](const domain::stored_product& p) {
    if (p.state.version != 0)
      result.push_back(p);
  });
  return result;
}

std::vector<domain::stored_product>
recovered_state::take_products(bool keep_packed) {
  std::vector<domain::stored_product> result;
  result.reserve(product_count());
  for (const auto& [sku, packed] : packed_) {
    auto p = unpack(packed);
    if (p.state.version != 0)
      result.push_back(std::move(p));
  }
  if (!keep_packed)
    packed_.clear();
  for (auto& [sku, p] : unpacked_) {
    if (keep_packed)
      packed_[sku] = encode(p);
    if (p.state.version != 0)
      result.push_back(std::move(p));
  }
  unpacked_.clear();
  return result;
}

std::optional<domain::stored_product>
recovered_state::product(const std::string& sku) const {
  if (auto found = unpacked_.find(sku); found != unpacked_.end())
    return found->second;
  if (auto found = packed_.find(sku); found != packed_.end())
    return unpack(found->second);
  return std::nullopt;
}

void recovered_state::for_each_product(
  const std::function<void(const domain::stored_product&)>& f) const {
  for (const auto& [sku, p] : unpacked_)
    f(p);
  for (const auto& [sku, packed] : packed_)
    f(unpack(packed));
}

void recovered_state::for_each_encoded(
  const std::function<void(std::string_view)>& f) const {
  for (const auto& [sku, p] : unpacked_)
    f(encode(p));
  for (const auto& [sku, packed] : packed_)
    f(packed);
}

domain::stored_product* recovered_state::find(const std::string& sku) {
  if (auto found = unpacked_.find(sku); found != unpacked_.end())
    return &found->second;
  auto found = packed_.find(sku);
  if (found == packed_.end())
    return nullptr;
  auto& product = unpacked_[sku] = unpack(found->second);
  packed_.erase(found);
  return &product;
}

domain::stored_product& recovered_state::slot(const std::string& sku) {
  if (auto* found = find(sku))
    return *found;
  return unpacked_[sku];
}

void recovered_state::pack_if_many() {
  if (unpacked_.size() <= unpacked_at_most_)
    return;
  for (const auto& [sku, p] : unpacked_)
    packed_[sku] = encode(p);
  unpacked_.clear();
}

} // namespace doorbuster::persistence
