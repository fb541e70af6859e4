#include "actors/checkout_books.hpp"

namespace doorbuster::actors {

std::string checkout_books::fingerprint_of(
  const std::string& customer, bool reserve_only,
  const std::vector<domain::checkout_line>& sorted_items) {
  std::string f = customer;
  f += reserve_only ? "\nR" : "\nO";
  for (const auto& line : sorted_items)
    f += "\n" + line.sku + " " + std::to_string(line.quantity);
  return f;
}

domain::checkout_result checkout_books::view_of(uint64_t id,
                                                const reservation& r) {
  domain::checkout_result res;
  res.checkout_id = id;
  res.customer_id = r.customer_id;
  res.status = r.status;
  res.expires_at_ms = r.expires_at_ms;
  for (const auto& line : r.lines) {
    domain::line_result l;
    l.sku = line.sku;
    l.quantity = line.quantity;
    res.lines.push_back(std::move(l));
  }
  return res;
}

reservation* checkout_books::find(uint64_t id) {
  auto i = reservations_.find(id);
  return i == reservations_.end() ? nullptr : &i->second;
}

reservation& checkout_books::add(uint64_t id, reservation r) {
  return reservations_[id] = std::move(r);
}

void checkout_books::finish(uint64_t id, domain::checkout_status status) {
  reservations_[id].status = status;
  finished_.push_back(id);
  while (finished_.size() > domain::checkouts_remembered) {
    reservations_.erase(finished_.front());
    finished_.pop_front();
  }
}

} // namespace doorbuster::actors
