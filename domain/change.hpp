// A durable change of the inventory: what the journal stores and what
// write-behind applies. A product record carries the product's whole state;
// the others carry its counters afterwards, so replaying any of them twice
// changes nothing.
#pragma once

#include "domain/checkout.hpp"
#include "domain/hold.hpp"
#include "domain/order.hpp"
#include "domain/product.hpp"

#include <caf/sec.hpp>

#include <cstdint>
#include <variant>

namespace doorbuster::domain {

/// Alternatives are only ever appended: the index is the record kind on
/// disk.
using change = std::variant<product_state, order, hold_record,
                            release_record, checkout_decision>;

namespace detail {

template <size_t I, class Inspector>
typename Inspector::result_type load_alternative(Inspector& f, uint8_t index,
                                                 change& x) {
  if constexpr (I < std::variant_size_v<change>) {
    if (index == I)
      return f(x.template emplace<I>());
    return load_alternative<I + 1>(f, index, x);
  } else {
    return caf::make_error(caf::sec::invalid_argument,
                           "unknown kind of change");
  }
}

} // namespace detail

/// The alternative's index, then the alternative.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, change& x) {
  if constexpr (Inspector::reads_state) {
    auto index = static_cast<uint8_t>(x.index());
    return std::visit(
      [&](auto& alternative) {
        return f(caf::meta::type_name("change"), index, alternative);
      },
      x);
  } else {
    uint8_t index = 0;
    if (auto err = f(caf::meta::type_name("change"), index))
      return err;
    return detail::load_alternative<0>(f, index, x);
  }
}

} // namespace doorbuster::domain
