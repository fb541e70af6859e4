#include "http/client_identity.hpp"

#include <gtest/gtest.h>

namespace doorbuster::http {
namespace {

config::http_options behind(std::string trusted, std::string identity = {}) {
  config::http_options o;
  o.trusted_proxies = std::move(trusted);
  o.identity_header = std::move(identity);
  return o;
}

request with(std::initializer_list<std::pair<const char*, const char*>> hs) {
  request req{bhttp::verb::get, "/", 11};
  for (const auto& [name, value] : hs)
    req.insert(name, value);
  return req;
}

TEST(identity_policy, believes_nothing_from_a_direct_client) {
  identity_policy none{behind("")};
  auto req = with({{"X-Forwarded-For", "1.2.3.4"}, {"X-User", "alice"}});
  auto who = none.identify(req, "203.0.113.9");
  EXPECT_EQ(who.address, "203.0.113.9");
  EXPECT_EQ(who.customer, "");
  EXPECT_EQ(who.key(), "203.0.113.9");
  // Trusted proxies configured, but this peer is not one of them.
  identity_policy some{behind("10.0.0.0/8", "X-User")};
  who = some.identify(req, "203.0.113.9");
  EXPECT_EQ(who.address, "203.0.113.9");
  EXPECT_EQ(who.customer, "");
}

TEST(identity_policy, takes_the_rightmost_untrusted_forwarded_address) {
  identity_policy p{behind("10.0.0.0/8, 127.0.0.1")};
  // What the client put first is not believed: the trusted edge proxy
  // appended the address it saw (198.51.100.7).
  auto req = with({{"X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.0.0.5"}});
  EXPECT_EQ(p.identify(req, "127.0.0.1").address, "198.51.100.7");
  // Several header lines are one list, in order.
  req = with({{"X-Forwarded-For", "6.6.6.6"},
              {"X-Forwarded-For", "198.51.100.8 , 10.0.0.5"}});
  EXPECT_EQ(p.identify(req, "127.0.0.1").address, "198.51.100.8");
  // All hops trusted: the leftmost is the client.
  req = with({{"X-Forwarded-For", "10.1.1.1, 10.0.0.5"}});
  EXPECT_EQ(p.identify(req, "127.0.0.1").address, "10.1.1.1");
  // An item that is no address stops at the proxy that reported it.
  req = with({{"X-Forwarded-For", "6.6.6.6, garbage, 10.0.0.5"}});
  EXPECT_EQ(p.identify(req, "127.0.0.1").address, "10.0.0.5");
  // No header: the proxy itself.
  EXPECT_EQ(p.identify(with({}), "::ffff:10.0.0.9").address,
            "::ffff:10.0.0.9");
  // IPv6 hops.
  req = with({{"X-Forwarded-For", "2001:db8::7"}});
  EXPECT_EQ(p.identify(req, "10.0.0.1").address, "2001:db8::7");
}

TEST(identity_policy, takes_the_customer_only_from_a_trusted_gateway) {
  identity_policy p{behind("10.0.0.1", "X-User")};
  auto who = p.identify(with({{"X-User", "alice"}}), "10.0.0.1");
  EXPECT_EQ(who.customer, "alice");
  EXPECT_EQ(who.key(), "customer:alice");
  EXPECT_FALSE(who.invalid_customer);
  who = p.identify(with({{"X-User", "alice"}}), "10.0.0.2");
  EXPECT_EQ(who.customer, "");
  EXPECT_EQ(who.key(), "10.0.0.2");
  who = p.identify(with({{"X-User", "al ice"}}), "10.0.0.1");
  EXPECT_TRUE(who.invalid_customer);
  who = p.identify(with({{"X-User", std::string(129, 'a').c_str()}}),
                   "10.0.0.1");
  EXPECT_TRUE(who.invalid_customer);
  who = p.identify(with({}), "10.0.0.1");
  EXPECT_EQ(who.customer, "");
  EXPECT_FALSE(who.invalid_customer);
}

} // namespace
} // namespace doorbuster::http
