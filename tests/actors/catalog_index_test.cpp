#include "actors/catalog_index.hpp"

#include "actors/product_doc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <random>
#include <set>

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

/// SKUs of several shapes, so that runs share long, short and no prefixes
/// (sku_order compares the bytes after them).
std::string sku_of(int n) {
  char sku[64];
  switch (n % 4) {
  case 0: std::snprintf(sku, sizeof(sku), "K%06d", n); break;
  case 1: std::snprintf(sku, sizeof(sku), "category-electronics-%d", n); break;
  case 2: std::snprintf(sku, sizeof(sku), "%d", n * 7919 % 100003); break;
  default: std::snprintf(sku, sizeof(sku), "K%06d-%d", n / 3, n); break;
  }
  return sku;
}

/// 0..n-1 in an order drawn with `seed`.
std::vector<int> shuffled(size_t n, unsigned seed) {
  std::vector<int> numbers(n);
  for (size_t i = 0; i < n; ++i)
    numbers[i] = static_cast<int>(i);
  std::mt19937 rng{seed};
  std::shuffle(numbers.begin(), numbers.end(), rng);
  return numbers;
}

/// Every SKU of `category` ("": all), page by page.
std::vector<std::string> skus_in_order(const catalog_index& idx,
                                       const std::string& category) {
  std::vector<std::string> seen;
  listing_query q{category, "", "", 997};
  for (;;) {
    auto page = idx.list(q);
    for (size_t at = 0;
         (at = page.items_json.find("\"sku\":\"", at)) != std::string::npos;
         at += 7)
      seen.push_back(page.items_json.substr(
        at + 7, page.items_json.find('"', at + 7) - at - 7));
    if (!page.next)
      return seen;
    q.after = *page.next;
  }
}

TEST(catalog_index, finds_by_sku_and_keeps_newest_version) {
  catalog_index idx;
  idx.upsert(doc("A", "toys", "Ball", 2));
  idx.upsert(doc("A", "toys", "Old ball", 1));
  ASSERT_NE(idx.find("A"), nullptr);
  EXPECT_EQ(idx.find("A")->version, 2u);
  EXPECT_EQ(idx.find("B"), nullptr);
}

TEST(catalog_index, a_sale_s_change_is_replaced_in_place) {
  catalog_index idx;
  idx.upsert(doc("A", "toys", "Ball", 2));
  auto id = idx.in_place(*doc("A", "toys", "Ball", 3));
  ASSERT_TRUE(id.has_value());
  auto old = idx.replace(*id, doc("A", "toys", "Ball", 3));
  EXPECT_EQ(old->version, 2u);
  EXPECT_EQ(idx.find("A")->version, 3u);
  EXPECT_EQ(idx.list({"toys", "", "", 10}).items_json,
            "[" + idx.find("A")->json() + "]");
  // Anything else needs upsert(): a new SKU, an older version, another
  // category or name (the orders and the name index change with them).
  EXPECT_FALSE(idx.in_place(*doc("B", "toys", "Ball", 1)));
  EXPECT_FALSE(idx.in_place(*doc("A", "toys", "Ball", 1)));
  EXPECT_FALSE(idx.in_place(*doc("A", "sports", "Ball", 4)));
  EXPECT_FALSE(idx.in_place(*doc("A", "toys", "Kite", 4)));
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

TEST(catalog_index, pages_in_sku_order_across_merges_and_moves) {
  // Many runs of sku_order, split as they fill in random order, some
  // moved between categories: every page follows a std::set of the SKUs.
  auto numbers = shuffled(20 * sku_order::run_at_most, 7);
  catalog_index idx;
  std::map<std::string, std::set<std::string>> expected;
  std::map<std::string, std::string> category_of;
  auto put = [&](const std::string& sku, const std::string& category,
                 uint64_t version) {
    if (auto old = category_of.find(sku); old != category_of.end())
      expected[old->second].erase(sku);
    expected[category].insert(sku);
    expected[""].insert(sku);
    category_of[sku] = category;
    idx.upsert(doc(sku, category, "N", version));
  };
  for (auto n : numbers)
    put(sku_of(n), n % 3 == 0 ? "a" : "b", 1);
  for (size_t i = 0; i < numbers.size(); i += 7)
    put(sku_of(numbers[i]), "c", 2);
  for (const auto& [category, skus] : expected)
    EXPECT_EQ(skus_in_order(idx, category),
              std::vector<std::string>(skus.begin(), skus.end()))
      << "category " << category;
}

TEST(catalog_index, upsert_many_pages_as_one_by_one_upserts_would) {
  // A batch into an empty index, one merged into it (as large as a quarter
  // of it: sku_order::insert_many), and a small one (one by one); SKUs
  // repeat within a batch, with newer and older versions and another
  // category.
  auto numbers = shuffled(12 * sku_order::run_at_most, 11);
  catalog_index bulk, one_by_one;
  std::map<std::string, std::set<std::string>> expected;
  std::vector<product_doc_ptr> batch;
  auto flush = [&] {
    for (const auto& d : batch)
      one_by_one.upsert(d);
    bulk.upsert_many(std::exchange(batch, {}));
  };
  for (size_t i = 0; i < numbers.size(); ++i) {
    auto sku = sku_of(numbers[i]);
    auto category = numbers[i] % 3 == 0 ? "a" : "b";
    batch.push_back(doc(sku, category, "N", 2));
    if (i % 5 == 0)
      batch.push_back(doc(sku, "c", "M", 1)); // older: ignored
    if (i % 11 == 0)
      batch.push_back(doc(sku, "c", "M", 3)); // newer: moves it to "c"
    expected[i % 11 == 0 ? "c" : category].insert(sku);
    expected[""].insert(sku);
    if (i + 1 == numbers.size() / 2 || i + 1 == numbers.size() - 100
        || i + 1 == numbers.size())
      flush();
  }
  for (const auto& [category, skus] : expected) {
    std::vector<std::string> want(skus.begin(), skus.end());
    EXPECT_EQ(skus_in_order(bulk, category), want) << "category " << category;
    EXPECT_EQ(skus_in_order(one_by_one, category), want)
      << "category " << category;
  }
  EXPECT_EQ(bulk.categories_json(), one_by_one.categories_json());
  EXPECT_EQ(bulk.size(), numbers.size());
  EXPECT_EQ(bulk.find(sku_of(numbers[0]))->version, 3u);
}

TEST(name_index, candidates_hold_every_match_of_long_lists) {
  // Lists longer than the index intersects: the rarest list is the
  // candidates, and must hold every name that has the query.
  name_index idx;
  std::vector<std::string> names;
  for (uint32_t id = 0; id < 12000; ++id) {
    names.push_back((id % 2 ? "lamb " : id % 3 ? "lamp " : "ramp ")
                    + std::to_string(id));
    idx.add(id, names.back());
  }
  for (std::string q : {"lamp", "amp 1", "mp 11", "lamp 1199", "ramp"}) {
    auto found = idx.candidates(q);
    ASSERT_TRUE(found.has_value()) << q;
    EXPECT_TRUE(std::is_sorted(found->begin(), found->end())) << q;
    size_t matches = 0;
    for (uint32_t id = 0; id < names.size(); ++id)
      if (names[id].find(q) != std::string::npos) {
        ++matches;
        EXPECT_TRUE(std::binary_search(found->begin(), found->end(), id))
          << q << " misses " << names[id];
      }
    EXPECT_GT(matches, 0u) << q;
  }
  EXPECT_FALSE(idx.candidates("lamp", 100).has_value())
    << "4,000 matches of 12,000 are dense";
}

TEST(catalog_index, search_finds_exactly_what_a_scan_finds) {
  // Awkward names: case, UTF-8 (a query may even cut a character), runs
  // of one letter, repeats, names shorter than a trigram; some products
  // renamed and moved later (their old trigrams stay in the index).
  const std::vector<std::string> parts{
    "Café", "CAFÉ", "naïve", "Äpfel", "ß", "😀", "aaaa", "abab", "Ab",
    "x", "Lamp", "LAMP", "lamp", " ", "-", "Mini", "mInI", "e\u0301"};
  std::mt19937 rng{42};
  auto pick = [&](const auto& xs) { return xs[rng() % xs.size()]; };
  auto random_name = [&] {
    std::string name;
    for (auto n = rng() % 5; n-- > 0;)
      name += pick(parts);
    return name;
  };
  const std::vector<std::string> categories{"a", "b", "c"};
  catalog_index idx;
  std::vector<std::string> names;
  for (int i = 0; i < 12000; ++i) {
    char sku[16];
    std::snprintf(sku, sizeof(sku), "S%05d", static_cast<int>(rng() % 20000));
    auto name = random_name();
    names.push_back(name);
    idx.upsert(doc(sku, pick(categories), name, 1 + rng() % 3));
  }
  std::vector<std::string> queries{"zzz", "", "é", "ÉP", "aaa", "bab", "😀",
                                   "\xf0\x9f", "LAMPl", "mini mi"};
  for (int i = 0; i < 300; ++i) {
    const auto& name = pick(names);
    if (name.empty())
      continue;
    auto from = rng() % name.size();
    auto q = name.substr(from, 1 + rng() % 8);
    for (auto& c : q)
      if (rng() % 2)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    queries.push_back(q);
  }
  size_t pages = 0, matches = 0, indexed_pages = 0;
  for (const auto& q : queries)
    for (const auto& category : {std::string{}, std::string{"b"}}) {
      listing_query query{category, q, "", 1 + rng() % 40};
      for (;;) {
        auto fast = idx.list(query);
        auto slow = idx.scan(query);
        ASSERT_EQ(fast, slow) << "q=" << q << " category=" << category
                              << " after=" << query.after;
        if (auto indexed = idx.search(query)) {
          ASSERT_EQ(*indexed, slow) << "q=" << q << " category=" << category
                                    << " after=" << query.after;
          ++indexed_pages;
        }
        ++pages;
        matches += fast.items_json.size() > 2;
        if (!fast.next)
          break;
        query.after = *fast.next;
      }
    }
  EXPECT_GT(matches, 300u) << "the queries must find things";
  EXPECT_GT(pages, 1000u);
  EXPECT_GT(indexed_pages, 900u);
}

} // namespace
} // namespace doorbuster::actors
