#include "domain/clock.hpp"

#include <gtest/gtest.h>

namespace doorbuster::domain {
namespace {

TEST(clock, formats_and_parses_utc) {
  EXPECT_EQ(format_utc(1'795'000'000'123), "2026-11-18T11:06:40.123Z");
  EXPECT_EQ(parse_utc("2026-11-18T11:06:40.123Z"), 1'795'000'000'123);
  EXPECT_EQ(parse_utc("2026-11-18T11:06:40Z"), 1'795'000'000'000);
  EXPECT_EQ(parse_utc("2026-11-18T11:06:40.5Z"), 1'795'000'000'500);
  EXPECT_FALSE(parse_utc("2026-11-18T11:06:40"));
  EXPECT_FALSE(parse_utc("2026-11-18 09:46:40Z"));
  EXPECT_FALSE(parse_utc("2026-11-18T11:06:40+01:00"));
  EXPECT_FALSE(parse_utc("tomorrow"));
}

} // namespace
} // namespace doorbuster::domain
