// The catalog view shared by the catalog actors and the io threads: a
// reader that must not wait (an io thread) is told at once when the writer
// holds the view, and reads it as soon as the writer is done.
#include "actors/shared_catalog.hpp"

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
