// What clients were told: one entry per write a test's buyers made (its
// Idempotency-Key, its final answer, when it was asked and answered), for
// the checker (ledger_check.hpp). Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace doorbuster::testing {

/// An id in an answer: order ids are numbers, checkout ids strings.
inline uint64_t id_of(const nlohmann::json& j) {
  return j.is_string() ? std::stoull(j.get<std::string>()) : j.get<uint64_t>();
}

/// The body a buyer reserves one unit of `sku` with (the checker sends it
/// again).
inline std::string reservation_body(const std::string& customer,
                                    const std::string& sku) {
  return R"({"customer_id":")" + customer
         + R"(","ttl_seconds":120,"items":[{"sku":")" + sku
         + R"(","quantity":1}]})";
}

struct ledger_entry {
  enum kind_t { purchase, reserve, confirm } kind = purchase;
  std::string key; // Idempotency-Key
  std::string sku;
  std::string customer;
  uint64_t reservation_id = 0; // reserve (if answered), confirm
  unsigned status = 0; // the final answer; 0: no answer (connection lost)
  std::string code;    // the error code, if any
  uint64_t order_id = 0; // purchase, confirm (its one line)
  int tries = 0;
  int64_t asked_ms = 0;    // since the ledger began
  int64_t answered_ms = 0;

  /// The answer does not say whether it was applied: no answer, a timeout,
  /// a 503 that says so, or a reservation still busy with an earlier try.
  /// A retry with the same key tells.
  bool uncertain() const {
    return status == 0 || status == 504
           || (status == 503
               && (code == "outcome_unknown" || code == "unavailable"))
           || (status == 409 && code == "reservation_busy");
  }
};

class ledger {
public:
  ledger() : began_(std::chrono::steady_clock::now()) {}

  /// Milliseconds since the ledger began (the entries' clock).
  int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - began_)
      .count();
  }

  void add(ledger_entry e) {
    std::lock_guard<std::mutex> guard{mutex_};
    entries_.push_back(std::move(e));
  }

  /// A copy of the entries so far.
  std::vector<ledger_entry> entries() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return entries_;
  }

  /// Entries by final status.
  std::map<unsigned, size_t> statuses() const {
    std::lock_guard<std::mutex> guard{mutex_};
    std::map<unsigned, size_t> result;
    for (const auto& e : entries_)
      ++result[e.status];
    return result;
  }

  /// "status code" -> how many, for a test's log.
  std::map<std::string, size_t> answers() const {
    std::lock_guard<std::mutex> guard{mutex_};
    std::map<std::string, size_t> result;
    for (const auto& e : entries_)
      ++result[std::to_string(e.status) + " " + e.code];
    return result;
  }

private:
  std::chrono::steady_clock::time_point began_;
  mutable std::mutex mutex_;
  std::vector<ledger_entry> entries_;
};

} // namespace doorbuster::testing
