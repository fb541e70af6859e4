#include "http/detail/connection_table.hpp"

namespace doorbuster::http::detail {

bool connection_table::admit(const std::string& address, size_t per_address,
                             std::weak_ptr<evictable> connection,
                             evictable* key) {
  std::lock_guard lock{mutex_};
  auto& n = per_address_[address];
  if (n >= per_address) {
    if (n == 0)
      per_address_.erase(address);
    return false;
  }
  ++n;
  open_.emplace(key, std::move(connection));
  return true;
}

void connection_table::release(const std::string& address, evictable* key) {
  std::lock_guard lock{mutex_};
  open_.erase(key);
  auto i = per_address_.find(address);
  if (i != per_address_.end() && --i->second == 0)
    per_address_.erase(i);
}

bool connection_table::evict_oldest() {
  std::shared_ptr<evictable> oldest;
  {
    // Only at the connection limit: a scan of the open connections.
    std::lock_guard lock{mutex_};
    auto best = open_.end();
    int64_t best_since = 0;
    for (auto i = open_.begin(); i != open_.end(); ++i) {
      auto since = i->first->waiting_since.load(std::memory_order_relaxed);
      if (since != 0 && (best == open_.end() || since < best_since)) {
        best = i;
        best_since = since;
      }
    }
    if (best == open_.end())
      return false;
    // Not chosen again while its eviction is on the way.
    best->first->waiting_since.store(0, std::memory_order_relaxed);
    oldest = best->second.lock();
  }
  if (!oldest)
    return false;
  oldest->evict();
  return true;
}

connection_table& connections() {
  static connection_table table;
  return table;
}

} // namespace doorbuster::http::detail
