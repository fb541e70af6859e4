// By when a request must be answered. Inside a node it is a point on the
// node's steady clock, so time spent waiting in mailboxes counts against it.
// Steady-clock points mean nothing on another machine, so on the wire a
// deadline travels as its remaining budget and becomes a local deadline
// again on arrival (see inspect below).
#pragma once

// CAF 0.17's meta headers use std::move without including <utility>.
#include <utility>

#include <caf/meta/load_callback.hpp>
#include <caf/meta/save_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace doorbuster::domain {

class deadline {
public:
  using clock = std::chrono::steady_clock;

  /// No deadline.
  deadline() = default;

  static deadline at(clock::time_point point) {
    deadline d;
    d.ns_ = std::max<int64_t>(1, point.time_since_epoch().count());
    return d;
  }

  static deadline after(std::chrono::nanoseconds budget,
                        clock::time_point now = clock::now()) {
    return at(now + budget);
  }

  bool none() const { return ns_ == 0; }

  clock::time_point point() const {
    return clock::time_point{clock::duration{ns_}};
  }

  /// False when there is no deadline.
  bool passed(clock::time_point now = clock::now()) const {
    return ns_ != 0 && now > point();
  }

  /// What is left of the budget, at least zero; `none_left` when there is
  /// no deadline.
  std::chrono::nanoseconds remaining(
    std::chrono::nanoseconds none_left = std::chrono::hours{1},
    clock::time_point now = clock::now()) const {
    if (ns_ == 0)
      return none_left;
    return std::max(std::chrono::nanoseconds{0}, point() - now);
  }

  bool operator==(const deadline&) const = default;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, deadline& x) {
    // The budget in nanoseconds, -1 for none.
    int64_t budget = x.none() ? -1 : x.remaining().count();
    return f(caf::meta::type_name("deadline"), caf::meta::save_callback([&] {
               budget = x.none() ? -1 : x.remaining().count();
               return caf::none;
             }),
             budget, caf::meta::load_callback([&] {
               x = budget < 0 ? deadline{}
                              : after(std::chrono::nanoseconds{budget});
               return caf::none;
             }));
  }

private:
  int64_t ns_ = 0; // steady clock, since its epoch; 0: none
};

} // namespace doorbuster::domain
