// A set of IP networks given as addresses and CIDR blocks separated by
// commas ("10.0.0.0/8, 192.168.1.7, fd00::/8"): the proxies the node
// trusts to say who their clients are. IPv4-mapped IPv6 addresses
// (::ffff:10.1.2.3) count as their IPv4 address.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorbuster::config {

class network_list {
public:
  /// The list `text` names, or nullopt and `error` naming the first item
  /// that is neither an address nor a network.
  static std::optional<network_list> parse(std::string_view text,
                                           std::string& error);

  /// An address, or nullopt: IPv4, IPv6, IPv4-mapped IPv6 made IPv4.
  static std::optional<boost::asio::ip::address>
  address_of(std::string_view text);

  bool contains(const boost::asio::ip::address& a) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

} // namespace doorbuster::config
