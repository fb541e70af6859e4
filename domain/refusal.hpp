// The answer of a product request that was not applied: a result type
// (purchase_result, line_result or write_result) carrying only its error
// and, where the type has one, the SKU. One definition for every layer
// that refuses on a product's behalf (shards, products, the gateway).
#pragma once

#include "domain/errc.hpp"
#include "domain/product.hpp"

#include <string>
#include <type_traits>

namespace doorbuster::domain {

template <class Result>
Result refusal(errc error, const std::string& sku) {
  Result res;
  res.error = error;
  if constexpr (!std::is_same_v<Result, write_result>)
    res.sku = sku;
  return res;
}

} // namespace doorbuster::domain
