#include "http/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace doorbuster::http {
namespace {

using namespace std::chrono_literals;

TEST(rate_limiter, allows_the_burst_then_refuses_with_retry_after) {
  rate_limiter limiter{2.0, 3.0, 1000}; // 2 per second, burst 3
  auto t0 = rate_limiter::clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(limiter.take("alice", t0).allowed);
  auto refused = limiter.take("alice", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_NEAR(refused.retry_after_s, 0.5, 1e-9);
  EXPECT_EQ(refused.limit, 3.0);
  EXPECT_LT(refused.remaining, 1.0);
}

TEST(rate_limiter, clients_are_independent_and_budgets_refill) {
  rate_limiter limiter{1.0, 1.0, 1000};
  auto t0 = rate_limiter::clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.take("a", t0).allowed);
  EXPECT_FALSE(limiter.take("a", t0).allowed);
  EXPECT_TRUE(limiter.take("b", t0).allowed) << "another client";
  EXPECT_FALSE(limiter.take("a", t0 + 500ms).allowed);
  EXPECT_TRUE(limiter.take("a", t0 + 1100ms).allowed) << "refilled";
}

TEST(rate_limiter, disabled_with_zero_rate) {
  rate_limiter limiter{0, 1, 10};
  for (int i = 0; i < 100; ++i)
    EXPECT_TRUE(limiter.take("x").allowed);
}

TEST(rate_limiter, stays_bounded_under_many_clients) {
  rate_limiter limiter{1.0, 1.0, 64 * 4};
  auto t0 = rate_limiter::clock::time_point{} + 1h;
  for (int i = 0; i < 100000; ++i)
    limiter.take("client-" + std::to_string(i), t0);
  EXPECT_LE(limiter.TEST_tracked_clients(), 64u * 4u);
  // A client seen long ago was forgotten or refilled: allowed again.
  EXPECT_TRUE(limiter.take("client-0", t0 + 10s).allowed);
}

} // namespace
} // namespace doorbuster::http
