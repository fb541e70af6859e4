// A bounded map from Idempotency-Key to what was first answered under it.
// When full, the oldest key is forgotten first. Owned by one actor.
#pragma once

#include <deque>
#include <string>
#include <unordered_map>

namespace doorbuster::actors {

template <class Entry>
class idempotency_cache {
public:
  explicit idempotency_cache(size_t capacity) : capacity_(capacity) {}

  const Entry* find(const std::string& key) const {
    auto i = entries_.find(key);
    return i == entries_.end() ? nullptr : &i->second;
  }

  void insert(const std::string& key, Entry entry) {
    if (capacity_ == 0)
      return;
    if (entries_.size() >= capacity_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    entries_.emplace(key, std::move(entry));
    order_.push_back(key);
  }

  /// Replaces the entry of a key kept already, or inserts it.
  void assign(const std::string& key, Entry entry) {
    if (auto i = entries_.find(key); i != entries_.end())
      i->second = std::move(entry);
    else
      insert(key, std::move(entry));
  }

  size_t size() const { return entries_.size(); }

  /// `f(key, entry)` for every entry, oldest first.
  template <class F>
  void for_each(F f) const {
    for (const auto& key : order_)
      f(key, entries_.at(key));
  }

private:
  size_t capacity_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_; // insertion order, oldest first
};

} // namespace doorbuster::actors
