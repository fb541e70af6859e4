#include "persistence/crc32c.hpp"
#include "persistence/snapshot.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace doorbuster::persistence {
namespace {

namespace fs = std::filesystem;

std::string temp_dir() {
  return testing::make_temp_dir("doorbuster-snap");
}

journal_record rec(uint64_t seq, domain::change e) {
  return {seq, std::move(e)};
}

domain::product_state product(const std::string& sku, int64_t stock) {
  return {.sku = sku, .fields = {"n", "d", "c", 5, "USD", stock}, .version = 1};
}

domain::order sale(uint64_t id, int64_t quantity, std::string key,
                   int64_t stock_after, uint64_t version_after) {
  return {.order_id = id,
          .sku = "A",
          .quantity = quantity,
          .customer_id = "c",
          .idempotency_key = std::move(key),
          .unit_price = 5,
          .currency = "USD",
          .after = {.stock = stock_after, .version = version_after}};
}

TEST(recovered_state, folds_products_orders_and_bounded_keys) {
  recovered_state state{2};
  state.apply(rec(1, product("A", 10)));
  for (uint64_t i = 2; i <= 5; ++i)
    state.apply(rec(i, sale(i, 1, "k" + std::to_string(i),
                            11 - static_cast<int64_t>(i), i)));
  state.apply(rec(6, sale(9, 1, "", 5, 6)));
  auto a = state.product("A").value();
  EXPECT_EQ(a.state.fields.stock, 5);
  EXPECT_EQ(a.state.version, 6u);
  ASSERT_EQ(a.purchases.size(), 2u);
  EXPECT_EQ(a.purchases.front().key, "k4");
  EXPECT_EQ(state.seq, 6u);
  auto restored = state.existing_products();
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_EQ(restored[0].purchases.back().order_id, 5u);
}

TEST(recovered_state, packed_products_fold_as_decoded_ones) {
  // One product decoded at most: every record that touches another one
  // decodes it from its packed form and packs the rest.
  recovered_state packed{3, 1};
  recovered_state decoded{3};
  uint64_t seq = 0;
  auto both = [&](domain::change e) {
    packed.apply(rec(++seq, e));
    decoded.apply(rec(seq, std::move(e)));
  };
  for (auto sku : {"A", "B", "C"})
    both(product(sku, 10));
  for (uint64_t i = 1; i <= 6; ++i) {
    auto s = sale(i, 1, "k" + std::to_string(i),
                  10 - static_cast<int64_t>(i), 1 + i);
    s.sku = i % 2 == 0 ? "A" : "C";
    s.after.version = 1 + (i + 1) / 2;
    s.customer_id = "c" + std::to_string(i % 3);
    both(s);
  }
  ASSERT_EQ(packed.product_count(), 3u);
  for (auto sku : {"A", "B", "C"}) {
    auto p = packed.product(sku);
    ASSERT_TRUE(p.has_value()) << sku;
    EXPECT_EQ(*p, decoded.product(sku).value()) << sku;
  }
  EXPECT_EQ(packed.product("A")->purchases.size(), 3u);
  EXPECT_FALSE(packed.product("Z").has_value());

  auto dir = temp_dir();
  write_snapshot(dir, packed);
  recovered_state loaded{3};
  EXPECT_EQ(read_latest_snapshot(dir, loaded), seq);
  for (auto sku : {"A", "B", "C"})
    EXPECT_EQ(loaded.product(sku).value(), decoded.product(sku).value());
}

TEST(recovered_state, hands_over_its_products_and_keeps_them_packed) {
  for (bool keep : {true, false}) {
    recovered_state state{3, 1}; // packs all but one product
    uint64_t seq = 0;
    for (auto sku : {"A", "B", "C"})
      state.apply(rec(++seq, product(sku, 10)));
    state.add_units("Z", "c", 1); // no state record seen: does not exist
    auto taken = state.take_products(keep);
    std::vector<std::string> skus;
    for (const auto& p : taken)
      skus.push_back(p.state.sku);
    std::sort(skus.begin(), skus.end());
    EXPECT_EQ(skus, (std::vector<std::string>{"A", "B", "C"})) << keep;
    if (keep) {
      EXPECT_EQ(state.product_count(), 4u);
      EXPECT_EQ(state.product("B").value().state.fields.stock, 10);
    } else {
      EXPECT_EQ(state.product_count(), 0u);
    }
  }
}

TEST(crc32c, of_pieces_is_of_the_whole) {
  // The check value of CRC-32C (iSCSI), then the same bytes in pieces.
  const std::string digits = "123456789";
  EXPECT_EQ(crc32c(digits.data(), digits.size()), 0xE3069283u);
  crc32c_stream pieces;
  pieces.add(digits.data(), 2);
  pieces.add(digits.data() + 2, 0);
  pieces.add(digits.data() + 2, 7);
  EXPECT_EQ(pieces.value(), 0xE3069283u);
  EXPECT_EQ(crc32c_stream{}.value(), crc32c(nullptr, 0));
}

TEST(snapshot, of_many_megabytes_is_written_in_pieces_and_read_whole) {
  auto dir = temp_dir();
  recovered_state state{10, 100};
  const uint64_t n = 80000; // about 2.5 MB: three pieces of a megabyte
  for (uint64_t i = 1; i <= n; ++i)
    state.apply(rec(i, product("P" + std::to_string(i), 7)));
  write_snapshot(dir, state);
  recovered_state loaded{10};
  EXPECT_EQ(read_latest_snapshot(dir, loaded), n);
  EXPECT_EQ(loaded.product_count(), n);
  EXPECT_EQ(loaded.product("P12345").value(), state.product("P12345").value());
  EXPECT_GT(fs::file_size(fs::directory_iterator{dir}->path()), 2u << 20);
  fs::remove_all(dir);
}

TEST(snapshot, round_trips_and_rejects_a_damaged_file) {
  auto dir = temp_dir();
  recovered_state state{10};
  state.apply(rec(1, product("A", 10)));
  state.apply(rec(2, sale(7, 3, "key", 7, 2)));
  write_snapshot(dir, state);
  recovered_state loaded{10};
  EXPECT_EQ(read_latest_snapshot(dir, loaded), 2u);
  EXPECT_EQ(loaded.product("A").value().state.fields.stock, 7);
  EXPECT_EQ(loaded.product("A").value().purchases.at(0).key, "key");

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
