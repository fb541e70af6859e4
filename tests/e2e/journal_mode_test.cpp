// Journal-only mode (no PostgreSQL): snapshots plus journal keep everything
// across restarts; a corrupt journal stops start-up unless --repair.
#include "support/http_client.hpp"
#include "support/node_process.hpp"

#include <gtest/gtest.h>

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

TEST(journal_mode, snapshot_and_journal_survive_restarts_and_compact) {
  auto data = make_temp_dir("doorbuster-jmode");
  std::vector<std::string> args{"--demo.products=50",
                                "--persistence.snapshot-interval-ms=100",
                                "--persistence.segment-bytes=4096"};
  std::string before;
  {
    node_process node{args, data};
    http_client client{node.port()};
    ASSERT_EQ(client
                .admin(verb::put, "/v1/admin/products/SNAP-1",
                       R"({"name":"Snap","description":"d","category":"c",)"
                       R"("price":100,"currency":"USD","stock":1000})")
                .status,
              201u);
    for (int i = 0; i < 200; ++i)
      ASSERT_EQ(client
                  .request(verb::post, "/v1/products/SNAP-1/purchase",
                           R"({"quantity":1,"customer_id":"c"})",
                           {{"Idempotency-Key", "k" + std::to_string(i)}})
                  .status,
                201u);
    // Snapshots every 100 ms; the journal drops covered segments each second.
    std::this_thread::sleep_for(std::chrono::milliseconds{1600});
    before = client.get("/v1/products/SNAP-1").body;
    EXPECT_EQ(count_files(data + "/snapshots", "snapshot-"), 1u);
    EXPECT_LT(count_files(data + "/journal", "journal-"), 4u)
      << "segments covered by a snapshot are deleted";
    node.kill_hard();
  }
  node_process node{args, data};
  http_client client{node.port()};
  EXPECT_EQ(client.get("/v1/products/SNAP-1").body, before);
  auto retry = client.request(verb::post, "/v1/products/SNAP-1/purchase",
                              R"({"quantity":1,"customer_id":"c"})",
                              {{"Idempotency-Key", "k3"}});
  EXPECT_EQ(retry.status, 201u);
  EXPECT_EQ(retry.json()["remaining"], 996) << "the key's original answer";
  EXPECT_EQ(client.get("/v1/products/SKU-000050").status, 200u)
    << "the demo catalog is recovered, not generated again";
  node.stop();
  fs::remove_all(data);
}

TEST(journal_mode, corruption_in_the_middle_needs_repair) {
  auto data = make_temp_dir("doorbuster-corrupt");
  {
    node_process node{{"--demo.products=20"}, data};
  }
  auto journal = data + "/journal";
  auto segment = fs::directory_iterator{journal}->path().string();
  auto size = fs::file_size(segment);
  {
    std::fstream f{segment, std::ios::binary | std::ios::in | std::ios::out};
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('\x55');
    f.seekp(static_cast<std::streamoff>(size / 2 + 1));
    f.put('\x2a');
  }
  std::string output;
  int status = run_node_to_exit({"--http.port=0", "--demo.products=0",
                                 "--persistence.data-dir=" + data},
                                output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("journal corrupt"), std::string::npos) << output;
  EXPECT_NE(output.find("--repair"), std::string::npos) << output;
  EXPECT_EQ(fs::file_size(segment), size) << "nothing dropped without --repair";

  node_process repaired{{"--repair", "--demo.products=0"}, data};
  http_client client{repaired.port()};
  size_t kept = 0;
  for (auto& c : client.get("/v1/categories").json())
    kept += c["count"].get<size_t>();
  EXPECT_GT(kept, 0u) << "records before the corruption are kept";
  EXPECT_LT(kept, 20u) << "records after it are dropped";
  EXPECT_LT(fs::file_size(segment), size);
  repaired.stop();
  fs::remove_all(data);
}

} // namespace
} // namespace doorbuster::testing
