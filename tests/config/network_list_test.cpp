#include "config/network_list.hpp"

#include <gtest/gtest.h>

namespace doorbuster::config {
namespace {

TEST(network_list, parses_addresses_and_networks_and_names_a_bad_item) {
  std::string error;
  auto list = network_list::parse(
    " 10.0.0.0/8, 192.168.1.7 ,fd00::/8,, 172.16.5.9/12", error);
  ASSERT_TRUE(list) << error;
  auto in = [&](const char* a) {
    return list->contains(*network_list::address_of(a));
  };
  EXPECT_TRUE(in("10.255.1.2"));
  EXPECT_TRUE(in("::ffff:10.1.2.3")); // IPv4-mapped counts as IPv4
  EXPECT_TRUE(in("192.168.1.7"));
  EXPECT_FALSE(in("192.168.1.8"));
  EXPECT_TRUE(in("fd12::1"));
  EXPECT_FALSE(in("fe80::1"));
  EXPECT_TRUE(in("172.31.0.1")); // host bits in 172.16.5.9/12 are ignored
  EXPECT_FALSE(in("11.0.0.1"));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x",
                          "proxy.local", "fd00::/129", "1.2.3"}) {
    EXPECT_FALSE(network_list::parse(bad, error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
  EXPECT_TRUE(network_list::parse("", error)->empty());
}

} // namespace
} // namespace doorbuster::config
