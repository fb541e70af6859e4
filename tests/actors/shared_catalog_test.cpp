// The catalog view shared by the catalog actors and the io threads: a
// reader that must not wait (an io thread) is told at once when the writer
// holds the view, and reads it as soon as the writer is done.
#include "actors/shared_catalog.hpp"

#include "actors/product_doc.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace doorbuster::actors {
namespace {

TEST(shared_catalog, try_read_does_not_wait_for_the_writer) {
  shared_catalog catalog;
  std::promise<void> holding, release;
  auto released = release.get_future().share();
  std::thread writer{[&] {
    catalog.write([&](catalog_index&) {
      holding.set_value();
      // A reader that waited would wait this long, and fail below.
      released.wait_for(std::chrono::seconds{2});
    });
  }};
  holding.get_future().wait();
  auto started = std::chrono::steady_clock::now();
  auto busy = catalog.try_read([](const catalog_index&) { return 1; });
  auto took = std::chrono::steady_clock::now() - started;
  release.set_value();
  writer.join();
  EXPECT_FALSE(busy.has_value());
  EXPECT_LT(took, std::chrono::seconds{1}); // a waiting reader: 2 s
  auto free = catalog.try_read([](const catalog_index&) { return 2; });
  ASSERT_TRUE(free.has_value());
  EXPECT_EQ(*free, 2);
}

// Readers that keep coming must not starve the writer (the catalog's
// writer shares a CAF worker with the product actors): once it waits,
// readers that must not wait are turned away, and it gets in.
TEST(shared_catalog, a_waiting_writer_goes_before_new_readers) {
  shared_catalog catalog;
  std::promise<void> reading, leave;
  auto left = leave.get_future().share();
  std::thread reader{[&] {
    catalog.read([&](const catalog_index&) {
      reading.set_value();
      left.wait_for(std::chrono::seconds{5});
      return 0;
    });
  }};
  reading.get_future().wait();
  std::atomic<bool> written{false};
  std::thread writer{[&] {
    catalog.write([&](catalog_index&) { written = true; });
  }};
  // Another reader is let in until the writer waits; then never again.
  bool turned_away = false;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (!turned_away && std::chrono::steady_clock::now() < until)
    turned_away = !catalog.try_read([](const catalog_index&) { return 0; });
  leave.set_value();
  reader.join();
  writer.join();
  EXPECT_TRUE(turned_away);
  EXPECT_TRUE(written);
  EXPECT_TRUE(catalog.try_read([](const catalog_index&) { return 0; }));
}

domain::product_doc_ptr doc(const std::string& sku, const std::string& name,
                            uint64_t version) {
  domain::product_state p{.sku = sku, .version = version};
  p.fields.name = name;
  p.fields.category = "toys";
  p.fields.currency = "USD";
  return render_product_doc(p);
}

TEST(shared_catalog, replace_takes_a_sale_s_change_and_nothing_else) {
  shared_catalog catalog;
  catalog.write([&](catalog_index& index) { index.upsert(doc("A", "Ball", 1)); });
  auto find = [&](const std::string& sku) {
    return catalog.read([&](const catalog_index& index) { return index.find(sku); });
  };
  auto sale = doc("A", "Ball", 2);
  EXPECT_TRUE(catalog.replace(sale));
  EXPECT_EQ(find("A")->version, 2u);
  auto renamed = doc("A", "Kite", 3);
  EXPECT_FALSE(catalog.replace(renamed));
  EXPECT_EQ(find("A")->version, 2u);
  ASSERT_NE(renamed, nullptr); // left to the caller for write()
  auto added = doc("B", "Ball", 1);
  EXPECT_FALSE(catalog.replace(added));
  EXPECT_EQ(find("B"), nullptr);
}

TEST(shared_catalog, readers_do_not_exclude_each_other) {
  shared_catalog catalog;
  auto nested = catalog.read([&](const catalog_index&) {
    return catalog.try_read([](const catalog_index&) { return 3; });
  });
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(*nested, 3);
}

} // namespace
} // namespace doorbuster::actors
