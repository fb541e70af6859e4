#include "http/query_string.hpp"

#include <gtest/gtest.h>

namespace doorbuster::http {
namespace {

TEST(query_string, decodes_percent_and_plus) {
  auto q = parse_query("category=home%20garden&q=red+ball&limit=5");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("category"), "home garden");
  EXPECT_EQ(q->at("q"), "red ball");
  EXPECT_EQ(q->at("limit"), "5");
}

TEST(query_string, keeps_first_of_repeated_keys_and_allows_empty) {
  auto q = parse_query("a=1&a=2&b");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("a"), "1");
  EXPECT_EQ(q->at("b"), "");
  EXPECT_TRUE(parse_query("")->empty());
}

} // namespace
} // namespace doorbuster::http
