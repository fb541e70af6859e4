// doorbuster-loadgen against a real node: a flash sale with retried keys
// passes its invariant check, and a run whose stock was tampered with
// through the admin API fails it.
#include "support/http_client.hpp"
#include "support/node_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace doorbuster::testing {
namespace {

int run_loadgen(uint16_t port, const std::string& extra) {
  auto cmd = std::string{"DOORBUSTER_ADMIN_TOKEN="} + admin_token + " "
             + DOORBUSTER_LOADGEN + " --port " + std::to_string(port)
             + " --scenario flash-sale --rate 400 --duration 2 --hot-skus 3"
               " --connections 16 --quiet --check "
             + extra + " > /dev/null";
  auto status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(loadgen, flash_sale_with_retries_passes_its_invariants) {
  // As bench/spike runs it: buyers named by a gateway on this host.
  node_process node{{"--demo.products=0", "--http.trusted-proxies=127.0.0.1",
                     "--http.identity-header=X-Authenticated-User"}};
  EXPECT_EQ(run_loadgen(node.port(), "--seed-stock 1000 --retry-share 0.2"),
            0);
  http_client client{node.port()};
  EXPECT_LT(client.get("/v1/products/HOT-1").json()["stock"].get<int>(), 1000)
    << "the run bought something";
}

TEST(loadgen, tampered_stock_fails_the_check) {
  node_process node{{"--demo.products=0"}};
  std::thread tamper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{1000});
    http_client client{node.port()};
    client.admin(bhttp::verb::patch, "/v1/admin/products/HOT-2",
                 R"({"stock_delta":7})");
  });
  auto code = run_loadgen(node.port(), "--seed-stock 100000");
  tamper.join();
  EXPECT_EQ(code, 3) << "an invariant must fail";
}

} // namespace
} // namespace doorbuster::testing
