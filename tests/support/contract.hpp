// The API's contract, checked on every response the tests' HTTP client
// receives from a node: check_contract.py (Debian's python3 with
// python3-jsonschema) validates status, headers and body against
// api/openapi.yaml, and a mismatch fails the running test.
#pragma once

#include <map>
#include <string>

namespace doorbuster::testing {

/// What does not match the document (empty: it matches). Thread-safe: one
/// checker process per test process, started on first use.
std::string contract_problem(const std::string& method,
                             const std::string& target, unsigned status,
                             const std::map<std::string, std::string>& headers,
                             const std::string& body);

} // namespace doorbuster::testing
