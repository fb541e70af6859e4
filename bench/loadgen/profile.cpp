#include "profile.hpp"

#include <algorithm>

namespace doorbuster::loadgen {

double profile::rate_at(double t) const {
  double peak = base_rate * spike_factor;
  double up = spike_at, top = up + ramp, down = top + hold, end = down + decay;
  double r = base_rate;
  if (spike_factor != 1 && t >= up) {
    if (t < top)
      r = base_rate + (peak - base_rate) * (t - up) / std::max(ramp, 1e-9);
    else if (t < down)
      r = peak;
    else if (t < end)
      r = peak - (peak - base_rate) * (t - down) / std::max(decay, 1e-9);
  }
  return std::max(r, 1e-3);
}

} // namespace doorbuster::loadgen
