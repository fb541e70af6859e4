// Wall-clock time as the inventory sees it: Unix milliseconds inside the
// node, RFC 3339 UTC ("2026-11-27T08:00:00.000Z") on the wire. Sale windows,
// reservation expiries and order times are wall-clock instants, so they
// survive restarts and mean the same on every node. (Request deadlines are
// not: they use the steady clock, see domain/deadline.hpp.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace doorbuster::domain {

/// Milliseconds since the Unix epoch.
int64_t now_ms();

/// "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_utc(int64_t unix_ms);

/// Accepts "YYYY-MM-DDTHH:MM:SSZ" with an optional fraction of up to three
/// digits before the Z; nullopt for anything else.
std::optional<int64_t> parse_utc(std::string_view text);

} // namespace doorbuster::domain
