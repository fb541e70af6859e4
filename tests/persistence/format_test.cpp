// The journal and snapshot formats do not change under existing data: files
// written by an earlier build (tests/persistence/data, made before the
// records became domain values) decode to the same values.
#include "persistence/journal_record.hpp"
#include "persistence/recovered_state.hpp"
#include "persistence/snapshot.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#ifndef DOORBUSTER_TEST_DATA
#define DOORBUSTER_TEST_DATA "tests/persistence/data"
#endif

namespace doorbuster::persistence {
namespace {

namespace fs = std::filesystem;

std::vector<char> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

std::vector<journal_record> frames_of(const std::vector<char>& bytes) {
  std::vector<journal_record> out;
  size_t at = 0;
  while (at < bytes.size()) {
    journal_record rec;
    size_t size = 0;
    EXPECT_EQ(read_frame(bytes.data() + at, bytes.size() - at, rec, size),
              frame_status::ok);
    if (size == 0)
      break;
    out.push_back(std::move(rec));
    at += size;
  }
  return out;
}

TEST(format, journal_records_of_an_earlier_build_decode_unchanged) {
  auto bytes = read_file(DOORBUSTER_TEST_DATA "/journal-v1.bin");
  auto records = frames_of(bytes);
  ASSERT_EQ(records.size(), 6u);
  const domain::product_state product{
    .sku = "GOLD-1",
    .fields = {"Golden Lamp", "bright", "home", 1999, "EUR", 50},
    .rules = {2, 5, 1790000000000, 1800000000000, true},
    .reserved = 4,
    .version = 3};
  EXPECT_EQ(std::get<domain::product_state>(records[0].entry), product);
  const domain::order sale{.order_id = 4294967297ull,
                           .sku = "GOLD-1",
                           .quantity = 2,
                           .customer_id = "ann",
                           .idempotency_key = "key-a",
                           .unit_price = 1999,
                           .currency = "EUR",
                           .created_at_ms = 1795000000000,
                           .after = {48, 4, 4}};
  EXPECT_EQ(std::get<domain::order>(records[1].entry), sale);
  const domain::hold_record held{{77, "GOLD-1", "bob", 3, 1796000000000,
                                  domain::checkout_kind::order, "key-h", 0},
                                 {48, 7, 5}};
  EXPECT_EQ(std::get<domain::hold_record>(records[2].entry), held);
  EXPECT_EQ(std::get<domain::release_record>(records[3].entry),
            (domain::release_record{78, "GOLD-1", {48, 4, 6}}));
  EXPECT_EQ(std::get<domain::checkout_decision>(records[4].entry),
            (domain::checkout_decision{77, "bob", {{"GOLD-1", 4294967299ull}}}));
  const auto& line = std::get<domain::order>(records[5].entry);
  EXPECT_EQ(line.checkout_id, 77u);
  EXPECT_EQ(line.kind, domain::checkout_kind::order);
  EXPECT_EQ(line.after, (domain::counters{45, 1, 7}));
  // Written again (with the fields appended since: a product's
  // max_hold_s, a hold's holder and placed_at_ms), they read back the same.
  std::vector<char> again;
  for (const auto& rec : records)
    append_frame(again, rec.seq, rec.entry);
  auto reread = frames_of(again);
  ASSERT_EQ(reread.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(reread[i].seq, records[i].seq);
    EXPECT_EQ(reread[i].entry, records[i].entry) << "record " << i;
  }
}

TEST(format, snapshots_of_an_earlier_build_decode_unchanged) {
  auto dir = testing::make_temp_dir("doorbuster-format");
  const std::string name = "snapshot-00000000000000000007.msgpack";
  fs::copy_file(DOORBUSTER_TEST_DATA "/" + name, dir + "/" + name);
  recovered_state state{10};
  EXPECT_EQ(read_latest_snapshot(dir, state), 7u);
  const auto p = state.product("GOLD-1").value();
  EXPECT_EQ(p.state.fields.stock, 45);
  EXPECT_EQ(p.state.reserved, 2);
  EXPECT_EQ(p.state.version, 8u);
  EXPECT_TRUE(p.state.rules.paused);
  ASSERT_EQ(p.purchases.size(), 1u);
  EXPECT_EQ(p.purchases[0],
            (domain::remembered_purchase{"key-a", 2, "ann", 4294967297ull, 44}));
  ASSERT_EQ(p.holds.size(), 1u);
  EXPECT_EQ(p.holds.at(79).placed.customer_id, "cy");
  EXPECT_EQ(p.holds.at(79).placed.kind, domain::checkout_kind::reservation);
  EXPECT_EQ(p.customers.at("ann"), 2);
  EXPECT_EQ(p.customers.at("bob"), 3);
  EXPECT_EQ(p.customers.at("cy"), 1);
  ASSERT_EQ(state.checkouts().count(77), 1u);
  const auto& sold = state.checkouts().at(77);
  EXPECT_EQ(sold.kind, domain::checkout_kind::order);
  ASSERT_EQ(sold.lines.size(), 1u);
  EXPECT_EQ(sold.lines[0].order_id, 4294967299ull);
  // Written again (with the members appended since, at their defaults), it
  // reads back the same.
  write_snapshot(dir, state);
  recovered_state again{10};
  EXPECT_EQ(read_latest_snapshot(dir, again), 7u);
  EXPECT_EQ(again.product("GOLD-1").value(), p);
  EXPECT_EQ(again.checkouts().at(77), sold);
  fs::remove_all(dir);
}

} // namespace
} // namespace doorbuster::persistence
