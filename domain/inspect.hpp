// How domain values cross a wire and reach a disk. A value that is stored
// lists its fields once, in a static `members(x)` returning references to
// them; CAF's inspectors (messages between actors and nodes) and the
// journal's msgpack codec (persistence/codec.hpp) both walk that one list.
// Fields are only ever appended to a list, so older records still decode.
// Only CAF's small meta headers are needed here, never the actor runtime.
#pragma once

// CAF 0.17's meta headers use std::move without including <utility>.
#include <utility>

#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

#include <optional>
#include <tuple>
#include <utility>

namespace doorbuster::domain {

/// Inspects `x` as its type's member list says.
template <class Inspector, class T>
typename Inspector::result_type inspect_members(Inspector& f, const char* name,
                                               T& x) {
  return std::apply(
    [&f, name](auto&... member) {
      return f(caf::meta::type_name(name), member...);
    },
    T::members(x));
}

/// A std::optional for CAF's inspectors (0.17 has none): a presence flag,
/// then the value.
template <class T>
struct optional_field {
  std::optional<T>& x;
};

template <class T>
optional_field<T> optional_of(std::optional<T>& x) {
  return {x};
}

template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, optional_field<T>& o) {
  bool present = o.x.has_value();
  T value = present ? *o.x : T{};
  return f(present, value, caf::meta::load_callback([&] {
             o.x = present ? std::optional<T>{std::move(value)}
                           : std::nullopt;
             return caf::none;
           }));
}

} // namespace doorbuster::domain
