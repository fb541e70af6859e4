// Journal-only mode (no PostgreSQL): snapshots plus journal keep everything
// across restarts; a damaged or shortened journal stops start-up unless
// --repair, which keeps every intact record and names what it dropped.
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/test_products.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

namespace doorbuster::testing {
namespace {

namespace fs = std::filesystem;
using bhttp::verb;

size_t count_files(const std::string& dir, const std::string& prefix) {
  size_t n = 0;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator{dir})
      n += e.path().filename().string().rfind(prefix, 0) == 0;
  return n;
}

/// Creates <prefix>-0 with 1000 in stock and buys one unit `purchases`
/// times, with Idempotency-Keys k0, k1, ...
void create_and_sell(http_client& client, const std::string& prefix,
                     int purchases) {
  auto sku = prefix + "-0";
  ASSERT_EQ(put_products(client, prefix, 1, 1000).count(sku), 1u);
  for (int i = 0; i < purchases; ++i)
    ASSERT_EQ(client
                .request(verb::post, "/v1/products/" + sku + "/purchase",
                         R"({"quantity":1,"customer_id":"c"})",
                         {{"Idempotency-Key", "k" + std::to_string(i)}})
                .status,
              201u);
}

TEST(journal_mode, snapshot_and_journal_survive_restarts_and_compact) {
  auto data = make_temp_dir("doorbuster-jmode");
  std::vector<std::string> args{"--demo.products=50",
                                "--persistence.snapshot-interval-ms=100",
                                "--persistence.segment-bytes=4096"};
  std::string before;
  {
    node_process node{args, data};
    http_client client{node.port()};
    create_and_sell(client, "SNAP", 200);
    // Snapshots every 100 ms; the journal drops covered segments each second.
    std::this_thread::sleep_for(std::chrono::milliseconds{1600});
    before = client.get("/v1/products/SNAP-0").body;
    EXPECT_EQ(count_files(data + "/snapshots", "snapshot-"), 1u);
    EXPECT_LT(count_files(data + "/journal", "journal-"), 4u)
      << "segments covered by a snapshot are deleted";
    node.kill_hard();
  }
  node_process node{args, data};
  http_client client{node.port()};
  EXPECT_EQ(client.get("/v1/products/SNAP-0").body, before);
  auto retry = client.request(verb::post, "/v1/products/SNAP-0/purchase",
                              R"({"quantity":1,"customer_id":"c"})",
                              {{"Idempotency-Key", "k3"}});
  EXPECT_EQ(retry.status, 201u);
  EXPECT_EQ(retry.json()["remaining"], 996) << "the key's original answer";
  EXPECT_EQ(client.get("/v1/products/SKU-000050").status, 200u)
    << "the demo catalog is recovered, not generated again";
  node.stop();
  fs::remove_all(data);
}

/// A journal of one product and 120 purchases (keys k0..k119, stock 1000
/// down to 880) in several segments, left by a clean stop. No snapshot is
/// taken, so every record is needed.
std::string sold_journal() {
  auto data = make_temp_dir("doorbuster-damage");
  node_process node{{"--demo.products=0",
                     "--persistence.snapshot-interval-ms=86400000",
                     "--persistence.segment-bytes=2048"},
                    data};
  http_client client{node.port()};
  create_and_sell(client, "HOT", 120);
  EXPECT_EQ(node.stop(), 0);
  return data;
}

std::vector<std::string> segments_of(const std::string& data) {
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator{data + "/journal"})
    if (e.path().filename().string().rfind("journal-", 0) == 0)
      paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

/// Starts the node on `data` expecting it to refuse; returns its output.
std::string refused_start(const std::string& data) {
  std::string output;
  int status = run_node_to_exit({"--http.port=0", "--demo.products=0",
                                 "--persistence.data-dir=" + data},
                                output);
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("--repair"), std::string::npos) << output;
  return output;
}

int64_t stock_of(http_client& client) {
  return client.get("/v1/products/HOT-0").json()["stock"].get<int64_t>();
}

TEST(journal_mode, a_shortened_or_deleted_newest_segment_stops_start_up) {
  auto data = sold_journal();
  auto segments = segments_of(data);
  ASSERT_GE(segments.size(), 3u);
  auto newest = segments.back();
  auto size = fs::file_size(newest);
  auto copy = data + "/newest.bak";
  fs::copy_file(newest, copy);
  // A cut inside a record looks like a crash's torn tail, but those
  // records were acknowledged; at 0 bytes or deleted nothing is left.
  for (auto damage : {"half", "empty", "deleted"}) {
    SCOPED_TRACE(damage);
    fs::copy_file(copy, newest, fs::copy_options::overwrite_existing);
    if (std::string{damage} == "half")
      fs::resize_file(newest, size / 2);
    else if (std::string{damage} == "empty")
      fs::resize_file(newest, 0);
    else
      fs::remove(newest);
    auto output = refused_start(data);
    EXPECT_NE(output.find("are missing (the newest segment shortened or "
                          "deleted)"),
              std::string::npos)
      << output;
  }
  // Refusing changed nothing: with the segment back the node serves all.
  fs::copy_file(copy, newest, fs::copy_options::overwrite_existing);
  fs::remove(copy);
  {
    node_process node{{"--demo.products=0"}, data};
    http_client client{node.port()};
    EXPECT_EQ(stock_of(client), 880);
    EXPECT_EQ(node.stop(), 0);
  }
  // --repair accepts the loss of the deleted segment's records and says so.
  fs::remove(newest);
  node_process repaired{{"--repair", "--demo.products=0"}, data,
                        {.log_to_file = true}};
  http_client client{repaired.port()};
  auto kept = stock_of(client);
  EXPECT_GT(kept, 880) << "the deleted segment's sales are gone";
  EXPECT_LT(kept, 1000) << "the other segments' sales are kept";
  EXPECT_NE(repaired.log().find("records"), std::string::npos);
  EXPECT_NE(repaired.log().find(std::to_string(kept - 880) + " records)"),
            std::string::npos)
    << "the log counts exactly the sales lost: " << repaired.log();
  ASSERT_EQ(client
              .request(verb::post, "/v1/products/HOT-0/purchase",
                       R"({"quantity":1,"customer_id":"c"})",
                       {{"Idempotency-Key", "after-repair"}})
              .status,
            201u);
  EXPECT_EQ(repaired.stop(), 0);
  node_process again{{"--demo.products=0"}, data};
  http_client after{again.port()};
  EXPECT_EQ(stock_of(after), kept - 1)
    << "after a repair the journal goes on and restarts without --repair";
  again.stop();
  fs::remove_all(data);
}

TEST(journal_mode, repair_of_a_damaged_oldest_segment_keeps_every_intact_record) {
  auto data = sold_journal();
  auto oldest = segments_of(data).front();
  auto size = fs::file_size(oldest);
  {
    std::fstream f{oldest, std::ios::binary | std::ios::in | std::ios::out};
    f.seekp(static_cast<std::streamoff>(size / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put(static_cast<char>(c ^ 0x04)); // one flipped bit
  }
  auto output = refused_start(data);
  EXPECT_NE(output.find("journal corrupt"), std::string::npos) << output;
  EXPECT_EQ(fs::file_size(oldest), size) << "nothing dropped without --repair";

  node_process repaired{{"--repair", "--demo.products=0"}, data,
                        {.log_to_file = true}};
  http_client client{repaired.port()};
  EXPECT_EQ(stock_of(client), 880)
    << "the records after the damage are all kept";
  EXPECT_NE(repaired.log().find("(1 record)"), std::string::npos)
    << repaired.log();
  // Every order but the damaged one is still known by its key.
  int forgotten = 0;
  for (int i = 0; i < 120; ++i) {
    auto retry = client.request(verb::post, "/v1/products/HOT-0/purchase",
                                R"({"quantity":1,"customer_id":"c"})",
                                {{"Idempotency-Key", "k" + std::to_string(i)}});
    ASSERT_EQ(retry.status, 201u);
    forgotten += retry.json()["remaining"] != 1000 - (i + 1);
  }
  EXPECT_EQ(forgotten, 1);
  repaired.stop();
  fs::remove_all(data);
}

} // namespace
} // namespace doorbuster::testing
