// The server's open connections as slow clients see them: how many each
// client address holds (bounded by http.max-connections-per-address), and
// since when each has been waiting for a request head. At the connection
// limit the one that has waited longest makes way for a new connection,
// so connections that send nothing (slowloris, idle keep-alives) cannot
// keep a health check or a buyer out. Connections with a request in
// progress are never chosen. Shared by the acceptor and every io thread;
// a request costs two atomic stores, the lock is taken per connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace doorbuster::http::detail {

/// A connection the table may close.
class evictable {
public:
  virtual ~evictable() = default;
  /// Closes the connection unless a request is in progress there; called
  /// from any thread (it posts to the connection's own).
  virtual void evict() = 0;
  /// Steady-clock nanoseconds since the connection waits for a request
  /// head; 0 while a request is in progress.
  std::atomic<int64_t> waiting_since{0};
};

class connection_table {
public:
  /// Counts a new connection from `address`; false (and not counted) if
  /// that address already holds `per_address`.
  bool admit(const std::string& address, size_t per_address,
             std::weak_ptr<evictable> connection, evictable* key);
  void release(const std::string& address, evictable* key);

  /// Evicts the connection that has waited longest for a head; false if
  /// none waits.
  bool evict_oldest();

private:
  std::mutex mutex_;
  std::unordered_map<std::string, size_t> per_address_;
  std::unordered_map<evictable*, std::weak_ptr<evictable>> open_;
};

/// The server's one table.
connection_table& connections();

} // namespace doorbuster::http::detail
