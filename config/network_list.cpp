#include "config/network_list.hpp"

#include "config/comma_list.hpp"

#include <cstdlib>

namespace doorbuster::config {

namespace ip = boost::asio::ip;

namespace {

/// An IPv4-mapped IPv6 address as its IPv4 address; others as they are.
ip::address unmapped(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

} // namespace

std::optional<ip::address> network_list::address_of(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address(text, ec);
  if (ec)
    return std::nullopt;
  return unmapped(a);
}

std::optional<network_list> network_list::parse(std::string_view text,
                                                std::string& error) {
  network_list list;
  for (auto item : comma_list(text)) {
    auto slash = item.find('/');
    auto a = address_of(item.substr(0, slash));
    unsigned long bits = a && a->is_v4() ? 32 : 128;
    if (a && slash != std::string_view::npos) {
      auto digits = std::string{item.substr(slash + 1)};
      char* end = nullptr;
      auto given = std::strtoul(digits.c_str(), &end, 10);
      if (digits.empty() || *end != '\0' || given > bits)
        a.reset();
      bits = given;
    }
    if (!a) {
      error = "\"" + std::string{item}
              + "\" is neither an IP address nor a network (address/bits)";
      return std::nullopt;
    }
    // Host bits set are allowed, as nginx and Envoy allow them: the
    // network is the address's.
    if (a->is_v4())
      list.v4_.push_back(
        ip::make_network_v4(a->to_v4(), static_cast<unsigned short>(bits))
          .canonical());
    else
      list.v6_.push_back(
        ip::make_network_v6(a->to_v6(), static_cast<unsigned short>(bits))
          .canonical());
  }
  return list;
}

bool network_list::contains(const ip::address& given) const {
  auto a = unmapped(given);
  if (a.is_v4()) {
    for (const auto& n : v4_)
      if (ip::make_network_v4(a.to_v4(), n.prefix_length()).canonical() == n)
        return true;
    return false;
  }
  for (const auto& n : v6_)
    if (ip::make_network_v6(a.to_v6(), n.prefix_length()).canonical() == n)
      return true;
  return false;
}

} // namespace doorbuster::config
