#include "persistence/demo_catalog.hpp"

#include <gtest/gtest.h>

#include <set>

namespace doorbuster::persistence {
namespace {

TEST(demo_catalog, is_deterministic_for_a_seed) {
  auto a = make_demo_catalog({100, 5, 7});
  auto b = make_demo_catalog({100, 5, 7});
  auto c = make_demo_catalog({100, 5, 8});
  ASSERT_EQ(a.size(), 100u);
  EXPECT_EQ(a[42].fields.name, b[42].fields.name);
  EXPECT_EQ(a[42].fields.stock, b[42].fields.stock);
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i)
    differs = differs || a[i].fields.name != c[i].fields.name;
  EXPECT_TRUE(differs);
}

TEST(demo_catalog, uses_the_requested_categories_and_unique_skus) {
  auto items = make_demo_catalog({1000, 25, 1});
  std::set<std::string> skus, categories;
  for (const auto& [sku, f] : items) {
    skus.insert(sku);
    categories.insert(f.category);
    EXPECT_GE(f.stock, 0);
    EXPECT_GT(f.price, 0);
  }
  EXPECT_EQ(skus.size(), 1000u);
  EXPECT_EQ(categories.size(), 25u);
  EXPECT_EQ(items.front().sku, "SKU-000001");
}

} // namespace
} // namespace doorbuster::persistence
