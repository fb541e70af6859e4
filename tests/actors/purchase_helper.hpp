// A purchase on a plain product (no actor), and whether it made an order:
// shared by the product tests.
#pragma once

#include "actors/product.hpp"

#include <optional>

namespace doorbuster::actors {

inline domain::purchase_result purchase(product& p,
                                        const domain::purchase_request& req,
                                        int64_t now, order_ids& ids,
                                        bool& changed) {
  std::optional<domain::order> sold;
  auto res = p.purchase(req, now, ids, sold);
  changed = sold.has_value();
  return res;
}

} // namespace doorbuster::actors
