// The load generator's outputs: the JSON summary and the per-second CSV.
#pragma once

#include "recorder.hpp"

#include <map>
#include <string>
#include <vector>

namespace doorbuster::loadgen {

/// Per route: requests, rate, p50/p90/p99/p99.9/max and outcomes; with
/// `failures`, the invariant check's result too.
std::string summary_json(std::map<std::string, route_stats>& totals,
                         double seconds,
                         const std::vector<std::string>* failures);

/// One line per second: offered, answered, read and purchase p50/p99, and
/// the count of each outcome.
void write_csv(std::ostream& out, const recorder& rec);

} // namespace doorbuster::loadgen
