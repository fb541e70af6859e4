// The offered load over time of an open-loop run: a base rate, optionally
// a spike (ramp to factor x base, hold, decay back). Pure functions of the
// elapsed time, so the schedule is testable without a clock.
#pragma once

namespace doorbuster::loadgen {

struct profile {
  double base_rate = 1000; // requests per second
  double spike_factor = 1; // 1: no spike
  double spike_at = 0;     // seconds from start until the ramp begins
  double ramp = 5;         // seconds to reach factor x base
  double hold = 20;        // seconds at the peak
  double decay = 5;        // seconds back to base
  double duration = 10;    // total seconds

  /// Requests per second offered at `t` seconds after the start.
  double rate_at(double t) const;

  /// The send time following one at `t` (1 / rate later).
  double next_send(double t) const { return t + 1.0 / rate_at(t); }
};

} // namespace doorbuster::loadgen
