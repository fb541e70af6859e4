#include "persistence/boot_generation.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace doorbuster::persistence {
namespace {

std::string temp_dir() {
  return testing::make_temp_dir("doorbuster-gen");
}

TEST(boot_generation, increases_at_every_start_and_survives_reopen) {
  auto dir = temp_dir();
  EXPECT_EQ(next_boot_generation(dir), 1u);
  EXPECT_EQ(next_boot_generation(dir), 2u);
  EXPECT_EQ(next_boot_generation(dir), 3u);
  std::filesystem::remove_all(dir);
}

TEST(boot_generation, refuses_a_corrupt_file) {
  auto dir = temp_dir();
  std::ofstream{dir + "/generation"} << "garbage";
  EXPECT_THROW(next_boot_generation(dir), std::runtime_error);
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace doorbuster::persistence
