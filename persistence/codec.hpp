// The journal's and the snapshots' encoding of domain values: msgpack, each
// value an array of its members in the order its `members(x)` lists them
// (domain/inspect.hpp), the same list CAF's inspectors walk. Members are
// only ever appended, so records written by older builds still decode: a
// shorter array leaves the newer members at their defaults.
#pragma once

#include "domain/checkout.hpp"

#include <msgpack.hpp>

#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

MSGPACK_ADD_ENUM(doorbuster::domain::checkout_kind)

namespace doorbuster::persistence::detail {

template <class T, class = void> struct has_members : std::false_type {};

template <class T>
struct has_members<T, std::void_t<decltype(T::members(std::declval<T&>()))>>
    : std::true_type {};

} // namespace doorbuster::persistence::detail

// clang-format off: msgpack's version namespace macro confuses it.
namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
namespace adaptor {

template <class T>
struct pack<T, std::enable_if_t<
                 doorbuster::persistence::detail::has_members<T>::value>> {
  template <class Stream>
  packer<Stream>& operator()(packer<Stream>& out, const T& x) const {
    std::apply(
      [&out](const auto&... member) {
        type::make_define_array(member...).msgpack_pack(out);
      },
      T::members(x));
    return out;
  }
};

template <class T>
struct convert<T, std::enable_if_t<
                    doorbuster::persistence::detail::has_members<T>::value>> {
  const msgpack::object& operator()(const msgpack::object& in, T& x) const {
    std::apply(
      [&in](auto&... member) {
        type::make_define_array(member...).msgpack_unpack(in);
      },
      T::members(x));
    return in;
  }
};

} // namespace adaptor
} // MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS)
} // namespace msgpack
// clang-format on

namespace doorbuster::persistence {

/// Unpacks the msgpack value at `offset` in [data, data + size) with its
/// announced sizes bounded by the bytes there: every element takes at
/// least one byte, so damaged or hostile bytes cannot make msgpack
/// allocate more than a small multiple of `size` (unbounded, a 4-byte
/// array header once asked for 128 GiB). Throws msgpack::unpack_error.
inline msgpack::object_handle bounded_unpack(const char* data, size_t size,
                                             size_t& offset) {
  auto n = size > 0xffffffffu ? std::size_t{0xffffffffu} : size;
  msgpack::unpack_limit limit{n, n, n, n, n, 64};
  return msgpack::unpack(data, size, offset, nullptr, nullptr, limit);
}

/// `x` encoded, in this thread's buffer for T, which the next call reuses.
template <class T>
std::string_view encode(const T& x) {
  thread_local msgpack::sbuffer buf;
  buf.clear();
  msgpack::pack(buf, x);
  return {buf.data(), buf.size()};
}

/// The T encoded in [data, data + size) (bounded_unpack's bounds and
/// exceptions).
template <class T>
T decode(const char* data, size_t size) {
  size_t offset = 0;
  return bounded_unpack(data, size, offset)->template as<T>();
}

} // namespace doorbuster::persistence
