#include "actors/admin_arguments.hpp"

#include <gtest/gtest.h>

namespace doorbuster::actors {
namespace {

std::string refusal_of(const std::vector<std::string>& words) {
  domain::product_patch p;
  auto refused = product_change(words, p);
  return refused ? refused->code : "ok";
}

TEST(admin_arguments, product_changes_decode_or_name_the_bad_word) {
  domain::product_patch p;
  ASSERT_FALSE(product_change({"set-stock", "SKU-1", "50"}, p));
  EXPECT_EQ(p.stock, 50);
  p = {};
  ASSERT_FALSE(product_change({"adjust-stock", "SKU-1", "+7"}, p));
  EXPECT_EQ(p.stock_delta, 7);
  p = {};
  ASSERT_FALSE(product_change({"set-price", "SKU-1", "1999"}, p));
  EXPECT_EQ(p.price, 1999);
  p = {};
  ASSERT_FALSE(product_change({"pause", "SKU-1"}, p));
  EXPECT_EQ(p.paused, true);
  p = {};
  ASSERT_FALSE(product_change(
    {"sale-window", "SKU-1", "2026-11-27T08:00:00Z", "none"}, p));
  EXPECT_EQ(p.sale_starts_at_ms, 1'795'766'400'000);
  EXPECT_EQ(p.sale_ends_at_ms, 0);
  EXPECT_EQ(refusal_of({"set-stock", "SKU-1", "5x"}), "bad_number");
  EXPECT_EQ(refusal_of({"set-stock", "SKU-1", "-1"}), "bad_number");
  EXPECT_EQ(refusal_of({"adjust-stock", "SKU-1", "9223372036854775807"}),
            "bad_number");
  EXPECT_EQ(refusal_of({"sale-window", "SKU-1", "2026-11-28T00:00:00Z",
                        "2026-11-27T00:00:00Z"}),
            "bad_time");
  EXPECT_EQ(refusal_of({"sale-window", "SKU-1", "tomorrow", "none"}),
            "bad_time");
  EXPECT_EQ(refusal_of({"set-stock", "SKU-1"}), "bad_arguments");
  EXPECT_EQ(refusal_of({}), "bad_arguments");
}

TEST(admin_arguments, top_and_skus_bound_their_argument) {
  uint64_t n = 0;
  ASSERT_FALSE(top_count({"top"}, n));
  EXPECT_EQ(n, 10u);
  ASSERT_FALSE(top_count({"top", "1000"}, n));
  EXPECT_EQ(n, 1000u);
  EXPECT_TRUE(top_count({"top", "1001"}, n));
  EXPECT_TRUE(top_count({"top", "0"}, n));
  domain::listing_query q;
  ASSERT_FALSE(skus_query({"skus", "SKU-1"}, q));
  EXPECT_EQ(q.after, "SKU-0") << "listings resume after a SKU";
  EXPECT_EQ(q.limit, 100u);
  EXPECT_TRUE(skus_query({"skus", "a", "b"}, q));
}

} // namespace
} // namespace doorbuster::actors
