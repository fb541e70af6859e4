#include "http/admin_auth.hpp"

#include <gtest/gtest.h>

namespace doorbuster::http {
namespace {

TEST(admin_auth, allows_only_the_exact_bearer_token) {
  admin_auth auth{"s3cret"};
  EXPECT_TRUE(auth.allows("Bearer s3cret"));
  EXPECT_FALSE(auth.allows("Bearer s3cre"));
  EXPECT_FALSE(auth.allows("Bearer s3cret "));
  EXPECT_FALSE(auth.allows("Basic s3cret"));
  EXPECT_FALSE(auth.allows("s3cret"));
  EXPECT_FALSE(auth.allows(""));
}

TEST(admin_auth, generates_distinct_hex_tokens) {
  auto a = generate_admin_token();
  auto b = generate_admin_token();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

} // namespace
} // namespace doorbuster::http
