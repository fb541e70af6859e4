// Products for the cluster tests, made through a node's admin API.
#pragma once

#include "support/http_client.hpp"

#include <map>
#include <string>
#include <vector>

namespace doorbuster::testing {

/// Creates prefix-0 .. prefix-(n-1) with `units` each; returns the stock
/// of those created (a failed put is missing from it).
inline std::map<std::string, int64_t>
put_products(http_client& admin, const std::string& prefix, int n,
             int64_t units = 100000) {
  std::map<std::string, int64_t> initial;
  for (int i = 0; i < n; ++i) {
    auto sku = prefix + "-" + std::to_string(i);
    auto put = admin.admin(bhttp::verb::put, "/v1/admin/products/" + sku,
                           R"({"name":"TV","description":"x","category":"tv",)"
                           R"("price":100,"currency":"USD","stock":)"
                             + std::to_string(units) + "}");
    if (put.status == 201)
      initial[sku] = units;
  }
  return initial;
}

inline std::vector<std::string>
skus_of(const std::map<std::string, int64_t>& initial) {
  std::vector<std::string> skus;
  for (const auto& [sku, _] : initial)
    skus.push_back(sku);
  return skus;
}

} // namespace doorbuster::testing
