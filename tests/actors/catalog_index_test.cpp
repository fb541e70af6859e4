#include "actors/catalog_index.hpp"

#include "actors/product_doc.hpp"

#include <gtest/gtest.h>

namespace doorbuster::actors {
namespace {

using namespace domain;

product_doc_ptr doc(const std::string& sku, const std::string& category,
                    const std::string& name, uint64_t version = 1) {
  product_state p{.sku = sku, .version = version};
  p.fields.name = name;
  p.fields.category = category;
  p.fields.currency = "USD";
  return render_product_doc(p);
}

TEST(catalog_index, finds_by_sku_and_keeps_newest_version) {
  catalog_index idx;
  idx.upsert(doc("A", "toys", "Ball", 2));
  idx.upsert(doc("A", "toys", "Old ball", 1));
  ASSERT_NE(idx.find("A"), nullptr);
  EXPECT_EQ(idx.find("A")->version, 2u);
  EXPECT_EQ(idx.find("B"), nullptr);
}

TEST(catalog_index, moves_product_between_categories) {
  catalog_index idx;
  idx.upsert(doc("A", "toys", "Ball", 1));
  idx.upsert(doc("A", "sports", "Ball", 2));
  EXPECT_EQ(idx.categories_json(), R"([{"name":"sports","count":1}])");
  EXPECT_EQ(idx.list({"toys", "", "", 10}).items_json, "[]");
}

TEST(catalog_index, pages_through_a_category_in_sku_order) {
  catalog_index idx;
  for (auto sku : {"D", "B", "A", "C", "E"})
    idx.upsert(doc(sku, "toys", std::string{"Toy "} + sku));
  idx.upsert(doc("Z", "books", "Book"));
  std::string seen;
  listing_query q{"toys", "", "", 2};
  for (int pages = 0; pages < 10; ++pages) {
    auto page = idx.list(q);
    for (auto sku : {"A", "B", "C", "D", "E", "Z"})
      if (page.items_json.find(std::string{"\"sku\":\""} + sku + "\"")
          != std::string::npos)
        seen += sku;
    if (!page.next)
      break;
    q.after = *page.next;
  }
  EXPECT_EQ(seen, "ABCDE");
}

TEST(catalog_index, searches_names_case_insensitively_with_paging) {
  catalog_index idx;
  idx.upsert(doc("A", "toys", "Red Ball"));
  idx.upsert(doc("B", "toys", "Blue kite"));
  idx.upsert(doc("C", "books", "BALLad book"));
  idx.upsert(doc("D", "books", "Cook book"));
  auto page = idx.list({"", "ball", "", 1});
  EXPECT_NE(page.items_json.find("\"A\""), std::string::npos);
  ASSERT_TRUE(page.next);
  auto rest = idx.list({"", "ball", *page.next, 1});
  EXPECT_NE(rest.items_json.find("\"C\""), std::string::npos);
  EXPECT_FALSE(rest.next);
}

TEST(catalog_index, counts_categories) {
  catalog_index idx;
  idx.upsert(doc("A", "toys", "x"));
  idx.upsert(doc("B", "toys", "y"));
  idx.upsert(doc("C", "books", "z"));
  EXPECT_EQ(idx.categories_json(),
            R"([{"name":"books","count":1},{"name":"toys","count":2}])");
  EXPECT_EQ(idx.size(), 3u);
}

} // namespace
} // namespace doorbuster::actors
