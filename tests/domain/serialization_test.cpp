// Every message type of the node survives CAF's binary serializer: each is
// filled with non-default values, serialized, deserialized and compared with
// defaulted equality (so a member left out of its inspect fails here). These
// are the seeds of the cluster's wire protocol.
#include "domain/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace doorbuster::domain {
namespace {

template <class T>
T round_trip(const T& value) {
  std::vector<char> bytes;
  caf::binary_serializer sink{nullptr, bytes};
  auto copy = value;
  EXPECT_FALSE(sink(copy)) << "serializing";
  T out{};
  caf::binary_deserializer source{nullptr, bytes};
  EXPECT_FALSE(source(out)) << "deserializing";
  EXPECT_EQ(source.remaining(), 0u) << "every byte read back";
  return out;
}

product_fields fields() {
  return {"Lamp", "bright", "home", 1999, "EUR", 50};
}

product_state state() {
  return {"SKU-1", fields(), {2, 5, 1790000000000, 1800000000000, true, 300},
          4, 9};
}

domain::order sale() {
  return {42,   "SKU-1", 2, "ann", "key-a", 1999, "EUR", 1795000000000,
          {48, 4, 10}, 77, checkout_kind::order};
}

hold a_hold() {
  return {77, "SKU-1", "bob", 3, 1796000000000, checkout_kind::reservation,
          "key-h", 43, "198.51.100.7", 1795000000000};
}

line_result line() {
  return {errc::limit_exceeded, "SKU-1", 3, 7, 1, 44, 1999, "EUR", 78, true};
}

product_doc_ptr doc(std::shared_ptr<const std::string> rules =
                      default_rules_json()) {
  return std::make_shared<const product_doc>(product_doc::make(
    "SKU-1", 9, R"({"sku":"SKU-1",)", "home", "lamp", std::move(rules)));
}

/// The values below, by type; the test at the end checks that every type
/// of the block is among them.
TEST(serialization, products_round_trip) {
  EXPECT_EQ(round_trip(fields()), fields());
  product_patch patch;
  patch.name = "Renamed";
  patch.stock_delta = -3;
  patch.sale_ends_at_ms = 0;
  patch.paused = false;
  patch.max_hold_s = 120;
  EXPECT_EQ(round_trip(patch), patch);
  EXPECT_EQ(round_trip(product_patch{}), product_patch{});
  auto d = doc();
  EXPECT_EQ(*round_trip(d), *d);
  EXPECT_EQ(round_trip(d)->rules, default_rules_json())
    << "a document without rules shares the default's bytes again";
  auto ruled = doc(std::make_shared<const std::string>(R"("paused":true})"));
  EXPECT_EQ(*round_trip(ruled), *ruled);
  EXPECT_EQ(round_trip(ruled)->json(), R"({"sku":"SKU-1","paused":true})");
  EXPECT_EQ(round_trip(product_doc_ptr{}), nullptr);
  write_result written{errc::ok, true, doc(), 12};
  EXPECT_EQ(round_trip(written), written);
  product_entry entry{"SKU-2", fields()};
  EXPECT_EQ(round_trip(entry), entry);
  std::vector<product_entry> entries{entry, {"SKU-3", fields()}};
  EXPECT_EQ(round_trip(entries), entries);
  std::vector<write_result> results{written, {errc::unknown_sku, false, {}, 0}};
  EXPECT_EQ(round_trip(results), results);
  stored_product stored{state(), {{"k", 2, "ann", 41, 46}},
                        {{77, {a_hold(), {48, 7, 11}}}}, {{"ann", 2}}};
  EXPECT_EQ(round_trip(stored), stored);
}

TEST(serialization, purchases_and_holds_round_trip) {
  purchase_request buy{"SKU-1", 2, "ann", "key-a", {}};
  EXPECT_EQ(round_trip(buy), buy);
  purchase_result bought{errc::insufficient_stock, 42, "SKU-1", 2, 1, 5};
  EXPECT_EQ(round_trip(bought), bought);
  hold_request held{a_hold(), {}, 76, 4};
  EXPECT_EQ(round_trip(held), held);
  hold_command step{77, "SKU-1", hold_step::extend, 1797000000000};
  EXPECT_EQ(round_trip(step), step);
  EXPECT_EQ(round_trip(line()), line());
}

TEST(serialization, checkouts_round_trip) {
  checkout_request req{"ann", {{"SKU-1", 1}, {"SKU-2", 3}}, 60000, "key-c",
                       {}, false, true, "customer:ann"};
  EXPECT_EQ(round_trip(req), req);
  checkout_result res{errc::reservation_busy, 77, "ann",
                      checkout_status::cancelled, 1797000000000,
                      {line(), line()}};
  EXPECT_EQ(round_trip(res), res);
  reservation_request op{77, reservation_op::extend, 60000, "key-e", {}};
  EXPECT_EQ(round_trip(op), op);
  live_reservation live{77, "ann", {{"SKU-1", 1}}, 1797000000000, "key-l"};
  EXPECT_EQ(round_trip(live), live);
  sold_checkout sold{"ann", "key-s", checkout_kind::order, {sale(), sale()}};
  EXPECT_EQ(round_trip(sold), sold);
}

TEST(serialization, every_kind_of_change_round_trips) {
  std::vector<change> changes{
    state(), sale(), hold_record{a_hold(), {48, 7, 11}},
    release_record{78, "SKU-1", {48, 4, 12}},
    checkout_decision{77, "bob", {{"SKU-1", 43}, {"SKU-2", 44}}}};
  ASSERT_EQ(changes.size(), std::variant_size_v<change>);
  for (const auto& c : changes) {
    auto back = round_trip(c);
    EXPECT_EQ(back.index(), c.index());
    EXPECT_TRUE(back == c) << "kind " << c.index();
  }
}

TEST(serialization, listings_and_reports_round_trip) {
  listing_query q{"toys", "ball", "SKU-9", 20};
  EXPECT_EQ(round_trip(q), q);
  listing page{"[]", std::string{"SKU-10"}};
  EXPECT_EQ(round_trip(page), page);
  listing last{"[{}]", std::nullopt};
  EXPECT_EQ(round_trip(last), last);
  shard_report report{10, 3, 2, 99, 4};
  EXPECT_EQ(round_trip(report), report);
  std::vector<shard_report> reports{report, {}};
  EXPECT_EQ(round_trip(reports), reports);
  std::vector<product_heat> heat{{"SKU-1", 5, 2}, {"SKU-2", 1, 0}};
  EXPECT_EQ(round_trip(heat), heat);
  std::vector<std::string> words{"set-stock", "SKU-1", "7"};
  EXPECT_EQ(round_trip(words), words);
  std::vector<uint32_t> shards{0, 7, 31}; // a shard loader's work
  EXPECT_EQ(round_trip(shards), shards);
}

TEST(serialization, a_deadline_travels_as_its_remaining_budget) {
  auto due = deadline::after(std::chrono::milliseconds{250});
  std::vector<char> bytes;
  caf::binary_serializer sink{nullptr, bytes};
  EXPECT_FALSE(sink(due));
  // Time passes in transit; the receiver's clock is its own.
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  deadline arrived;
  caf::binary_deserializer source{nullptr, bytes};
  EXPECT_FALSE(source(arrived));
  auto left = arrived.remaining() - due.remaining();
  // The budget counts from arrival: ~50 ms more than the sender has left.
  EXPECT_GT(left, std::chrono::milliseconds{40});
  EXPECT_LT(left, std::chrono::milliseconds{60});
  EXPECT_TRUE(round_trip(deadline{}).none()) << "no deadline stays none";
  auto past = deadline::at(std::chrono::steady_clock::now()
                           - std::chrono::seconds{1});
  EXPECT_TRUE(round_trip(past).passed()) << "a spent budget stays spent";
}

TEST(serialization, every_registered_type_is_tested_here) {
  // Adding a message type to domain/type_ids.hpp without a round trip
  // above fails this count: extend the tests with the type.
  constexpr auto registered = caf::id_block::doorbuster::end
                              - caf::id_block::doorbuster::begin;
  EXPECT_EQ(registered, 29);
}

} // namespace
} // namespace doorbuster::domain
