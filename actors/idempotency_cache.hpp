// A bounded map from Idempotency-Key to the answer first given for it. When
// full, the oldest key is forgotten first. Owned by one product actor.
#pragma once

#include <deque>
#include <string>
#include <unordered_map>

namespace doorbuster::actors {

template <class Request, class Answer>
class idempotency_cache {
public:
  explicit idempotency_cache(size_t capacity) : capacity_(capacity) {}

  struct entry {
    Request request;
    Answer answer;
  };

  const entry* find(const std::string& key) const {
    auto i = entries_.find(key);
    return i == entries_.end() ? nullptr : &i->second;
  }

  void insert(const std::string& key, Request request, Answer answer) {
    if (capacity_ == 0)
      return;
    if (entries_.size() >= capacity_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    entries_.emplace(key, entry{std::move(request), std::move(answer)});
    order_.push_back(key);
  }

  size_t size() const { return entries_.size(); }

private:
  size_t capacity_;
  std::unordered_map<std::string, entry> entries_;
  std::deque<std::string> order_; // insertion order, oldest first
};

} // namespace doorbuster::actors
