#include "persistence/snapshot.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace doorbuster::persistence {
namespace {

namespace fs = std::filesystem;

std::string temp_dir() {
  return testing::make_temp_dir("doorbuster-snap");
}

journal_record rec(uint64_t seq, journal_entry e) {
  return {seq, std::move(e)};
}

TEST(recovered_state, folds_products_orders_and_bounded_keys) {
  recovered_state state{2};
  state.apply(rec(1, product_record{"A", "n", "d", "c", 5, "USD", 10, 1}));
  for (uint64_t i = 2; i <= 5; ++i)
    state.apply(rec(i, order_record{i, "A", 1, "c", "k" + std::to_string(i),
                                    5, "USD", 0, 11 - static_cast<int64_t>(i),
                                    i}));
  state.apply(rec(6, order_record{9, "A", 1, "c", "", 5, "USD", 0, 5, 6}));
  const auto& a = state.products().at("A");
  EXPECT_EQ(a.state.stock, 5);
  EXPECT_EQ(a.state.version, 6u);
  ASSERT_EQ(a.orders.size(), 2u);
  EXPECT_EQ(a.orders.front().key, "k4");
  EXPECT_EQ(state.seq, 6u);
  auto restored = state.to_restore();
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_EQ(restored[0].orders.back().answer.order_id, 5u);
}

TEST(snapshot, round_trips_and_rejects_a_damaged_file) {
  auto dir = temp_dir();
  recovered_state state{10};
  state.apply(rec(1, product_record{"A", "n", "d", "c", 5, "USD", 10, 1}));
  state.apply(rec(2, order_record{7, "A", 3, "c", "key", 5, "USD", 0, 7, 2}));
  write_snapshot(dir, state);
  recovered_state loaded{10};
  EXPECT_EQ(read_latest_snapshot(dir, loaded), 2u);
  EXPECT_EQ(loaded.products().at("A").state.stock, 7);
  EXPECT_EQ(loaded.products().at("A").orders.at(0).key, "key");

  auto path = fs::directory_iterator{dir}->path().string();
  {
    std::fstream f{path, std::ios::binary | std::ios::in | std::ios::out};
    f.seekp(5);
    f.put('\x7f');
  }
  recovered_state damaged{10};
  EXPECT_THROW(read_latest_snapshot(dir, damaged), std::runtime_error);
  fs::remove_all(dir);
}

} // namespace
} // namespace doorbuster::persistence
