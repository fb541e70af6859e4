// Splits and percent-decodes a URL query (uriparser does the decoding).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace doorbuster::http {

/// Returns nullopt for a malformed query. A repeated key keeps its first
/// value; "+" is a space.
std::optional<std::map<std::string, std::string>>
parse_query(std::string_view query);

} // namespace doorbuster::http
