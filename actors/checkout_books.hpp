// A checkout coordinator's bookkeeping: its reservations and their states,
// the checkouts it finished (bounded, oldest forgotten first), and the
// Idempotency-Keys of new checkouts with their first answers. Plain class;
// one coordinator owns it, so nothing here is synchronized. The flows that
// change it live in checkout_actor.cpp.
#pragma once

#include "actors/idempotency_cache.hpp"
#include "domain/checkout.hpp"

#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace doorbuster::actors {

struct reservation {
  std::string customer_id;
  std::vector<domain::checkout_line> lines; // in SKU order
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  domain::checkout_status status = domain::checkout_status::held;
  bool busy = false; // a confirm, cancel or extension is under way
  std::string confirm_key;
  domain::checkout_result confirmed; // the confirm's answer
};

class checkout_books {
public:
  /// What makes two requests under one Idempotency-Key the same request.
  static std::string fingerprint_of(
    const std::string& customer, bool reserve_only,
    const std::vector<domain::checkout_line>& sorted_items);

  /// A reservation's state as an answer.
  static domain::checkout_result view_of(uint64_t id, const reservation& r);

  /// Nullptr for an id this coordinator does not know (or forgot).
  reservation* find(uint64_t id);

  reservation& add(uint64_t id, reservation r);

  /// Puts a reservation in a final state; the oldest finished ones are
  /// forgotten beyond domain::checkouts_remembered.
  void finish(uint64_t id, domain::checkout_status status);

  // -- Idempotency-Keys of new checkouts -----------------------------------

  struct keyed_answer {
    std::string fingerprint;
    domain::checkout_result answer;
  };

  const keyed_answer* answer_for(const std::string& key) const {
    return keys_.find(key);
  }

  /// Marks a key as under way; false if it already is.
  bool start(const std::string& key) {
    return pending_keys_.insert(key).second;
  }

  /// The checkout under `key` ended: remembered if it made one.
  void end(const std::string& key) { pending_keys_.erase(key); }

  void remember(const std::string& key, std::string fingerprint,
                domain::checkout_result answer) {
    keys_.insert(key, {std::move(fingerprint), std::move(answer)});
  }

private:
  std::unordered_map<uint64_t, reservation> reservations_;
  std::deque<uint64_t> finished_; // ids in a final state, oldest first
  idempotency_cache<keyed_answer> keys_{domain::checkouts_remembered};
  std::unordered_set<std::string> pending_keys_;
};

} // namespace doorbuster::actors
