// A full disk, for real: the node's data directory on a small tmpfs this
// test mounts (root only) and fills. Writes then get 507 storage_full while
// reads, health and metrics go on and /readyz answers 503; the purchase
// caught in flight completes once space returns; writes resume by
// themselves; and after a restart every acknowledged purchase is there.
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace doorbuster::testing {
namespace {

using namespace std::chrono_literals;
using bhttp::verb;

/// A tmpfs of `size` mounted on a fresh directory, unmounted at the end.
class small_disk {
public:
  explicit small_disk(const std::string& size)
    : dir_(make_temp_dir("doorbuster-full")) {
    auto r = run_shell("mount -t tmpfs -o size=" + size + " tmpfs " + dir_);
    mounted_ = r.status == 0;
    if (!mounted_)
      why_ = r.output;
  }
  ~small_disk() {
    if (mounted_)
      run_shell("umount -l " + dir_);
    std::filesystem::remove_all(dir_);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::string& dir() const { return dir_; }

  /// Writes a file until the disk has no room left.
  void fill() {
    int fd = ::open((dir_ + "/filler").c_str(), O_WRONLY | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    std::string block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  void free_space() { std::filesystem::remove(dir_ + "/filler"); }

private:
  std::string dir_;
  bool mounted_ = false;
  std::string why_;
};

std::string purchase_body(int i) {
  return R"({"quantity":1,"customer_id":"c)" + std::to_string(i) + R"("})";
}

TEST(full_disk, writes_get_507_reads_go_on_and_nothing_acknowledged_is_lost) {
  if (getuid() != 0)
    GTEST_SKIP() << "mounting a tmpfs needs root";
  small_disk disk{"8m"};
  if (!disk.mounted())
    GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.why();
  auto data = disk.dir() + "/data";
  // Small segments, so that the journal needs a new one soon after the
  // disk is full; no rate limit in the way of one test client.
  std::vector<std::string> args{
    "--demo.products=5", "--persistence.segment-bytes=65536",
    "--limits.write-rate-per-min=1000000", "--limits.write-burst=1000000",
    "--http.request-timeout-ms=1000"};
  const std::string sku_path = "/v1/products/SKU-000001";
  int64_t initial = 0, acknowledged = 0;
  std::string caught_key; // the purchase in flight when the disk filled
  {
    node_process node{args, data};
    http_client client{node.port()};
    initial = 1000000;
    ASSERT_EQ(client
                .admin(verb::patch, "/v1/admin/products/SKU-000001",
                       R"({"stock":1000000})")
                .status,
              200u);
    disk.fill();

    int i = 0;
    reply r;
    for (; i < 5000; ++i) {
      r = client.request(verb::post, sku_path + "/purchase", purchase_body(i),
                         {{"Idempotency-Key", "k" + std::to_string(i)}});
      if (r.status != 201)
        break;
      ++acknowledged;
    }
    ASSERT_LT(i, 5000) << "the disk never filled";
    if (r.status == 504) { // applied, waiting for the journal
      caught_key = "k" + std::to_string(i);
      r = client.request(verb::post, sku_path + "/purchase",
                         purchase_body(i + 1));
    }
    ASSERT_EQ(r.status, 507u) << r.body;
    EXPECT_EQ(r.error_code(), "storage_full");
    EXPECT_EQ(r.header("Retry-After"), "5");
    // Every kind of write is refused; reads, health and metrics go on.
    EXPECT_EQ(client
                .admin(verb::patch, "/v1/admin/products/SKU-000002",
                       R"({"stock_delta":1})")
                .status,
              507u);
    EXPECT_EQ(client
                .request(verb::post, "/v1/reservations",
                         R"({"customer_id":"r","items":[{"sku":"SKU-000003","quantity":1}]})")
                .status,
              507u);
    EXPECT_EQ(client.get(sku_path).status, 200u);
    EXPECT_EQ(client.get("/v1/products?limit=5").status, 200u);
    EXPECT_EQ(client.get("/healthz").status, 200u);
    auto ready = client.get("/readyz");
    EXPECT_EQ(ready.status, 503u);
    EXPECT_NE(ready.body.find("the disk is full"), std::string::npos)
      << ready.body;
    auto metrics = client.get("/metrics").body;
    EXPECT_NE(metrics.find("doorbuster_journal_storage_full 1"),
              std::string::npos);
    EXPECT_NE(metrics.find("doorbuster_http_errors_total{code=\"storage_full\"}"),
              std::string::npos);

    // Space returns: writes resume by themselves (the journal retries at
    // most 5 s apart).
    disk.free_space();
    auto until = std::chrono::steady_clock::now() + 15s;
    int resumed = 0;
    while (std::chrono::steady_clock::now() < until) {
      r = client.request(verb::post, sku_path + "/purchase",
                         purchase_body(100000 + resumed),
                         {{"Idempotency-Key", "after" + std::to_string(resumed)}});
      if (r.status == 201) {
        ++acknowledged;
        ++resumed;
        break;
      }
      ASSERT_EQ(r.status, 507u) << r.body;
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(resumed, 1) << "writes did not resume";
    EXPECT_EQ(client.get("/readyz").status, 200u);
    if (!caught_key.empty()) {
      // The caught purchase completed: its key answers its order.
      r = client.request(verb::post, sku_path + "/purchase",
                         purchase_body(i), {{"Idempotency-Key", caught_key}});
      ASSERT_EQ(r.status, 201u) << r.body;
      ++acknowledged;
    }
    EXPECT_EQ(client.get(sku_path).json()["stock"], initial - acknowledged);
    node.kill_hard(); // no clean stop: what is acknowledged must be on disk
  }
  node_process node{args, data};
  http_client client{node.port()};
  EXPECT_EQ(client.get(sku_path).json()["stock"], initial - acknowledged)
    << acknowledged << " purchases were acknowledged";
}

} // namespace
} // namespace doorbuster::testing
