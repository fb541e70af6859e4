// Percent-decodes a URL's path and splits and decodes its query (uriparser
// does the decoding).
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

/// A path with its %XX escapes decoded ("+" stays "+"): a client may write
/// /v1/products/SKU%2D000001 for /v1/products/SKU-000001.
std::string decode_path(std::string_view path);

/// The SKU a listing cursor stands for (the API gives cursors as hex), or
/// nullopt for one it did not give.
std::optional<std::string> decode_cursor(std::string_view cursor);

} // namespace doorbuster::http
