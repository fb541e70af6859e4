// A hostile client against a real node over real sockets: request
// smuggling through Transfer-Encoding, JSON nested deep enough to overflow a
// stack, a connection flood past the process's file descriptors, slow
// clients holding connections, and one packet to the admin port announcing
// a 4 GiB message.
#include "support/caf_port_probe.hpp"
#include "support/http_client.hpp"
#include "support/metrics_check.hpp"
#include "support/node_process.hpp"
#include "support/shell_command.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;
namespace fs = std::filesystem;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Sends `bytes` on a fresh connection and returns everything read until
/// the node closes it (or 3 s pass).
std::string exchange(uint16_t port, const std::string& bytes) {
  net::io_context ioc;
  tcp::socket s{ioc};
  s.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(s, net::buffer(bytes));
  timeval wait{3, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
  std::string got;
  char buf[4096];
  for (;;) {
    auto n = ::recv(s.native_handle(), buf, sizeof(buf), 0);
    if (n <= 0)
      break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    ++n;
  return n;
}

int64_t stock_of(http_client& client, const std::string& sku) {
  return client.get("/v1/products/" + sku).json()["stock"].get<int64_t>();
}

TEST(hostile, the_admin_port_drops_peers_without_the_nodes_certificate) {
  node_process node{{"--demo.products=3"}};
  auto before = resident_bytes(node.pid());
  EXPECT_TRUE(send_basp_header_bomb(node.admin_port()))
    << "the node closes a connection that is not a TLS handshake";
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  auto after = resident_bytes(node.pid());
  EXPECT_LT(after, before + 16 * 1024 * 1024)
    << "grew from " << before << " to " << after << " bytes";
  // TLS without a client certificate ends in the handshake, too.
  auto anonymous = run_shell(
    "python3 -c \"import socket,ssl\n"
    "c=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
    "c.check_hostname=False\nc.verify_mode=ssl.CERT_NONE\n"
    "s=c.wrap_socket(socket.create_connection(('127.0.0.1',"
    + std::to_string(node.admin_port())
    + ")))\ns.sendall(bytes([1,0,0,0,255,255,255,255])+bytes(24))\n"
      "print('answered', s.recv(10))\" 2>&1");
  EXPECT_NE(anonymous.status, 0) << anonymous.output;
  EXPECT_EQ(anonymous.output.find("answered"), std::string::npos)
    << anonymous.output;
  // A console with another identity is refused; with the node's it works.
  auto other = make_temp_dir("doorbuster-other-tls");
  std::string made;
  ASSERT_EQ(run_node_to_exit({"--generate-tls=" + other + "/tls"}, made), 0)
    << made;
  auto stranger = run_shell("DOORBUSTER_ADMIN_TOKEN=" + std::string{admin_token}
                            + " " + node.console_command() + " --tls-dir="
                            + other + "/tls -c status 2>&1");
  EXPECT_EQ(stranger.status, 3) << stranger.output;
  auto owner = run_shell("DOORBUSTER_ADMIN_TOKEN=" + std::string{admin_token}
                         + " " + node.console_command() + " -c status 2>&1");
  EXPECT_EQ(owner.status, 0) << owner.output;
  http_client client{node.port()};
  EXPECT_EQ(client.get("/healthz").status, 200u);
  fs::remove_all(other);
}

TEST(hostile, transfer_encoding_not_ending_in_chunked_is_refused_and_closed) {
  node_process node{{"--demo.products=3"}};
  http_client client{node.port()};
  auto before = stock_of(client, "SKU-000002");
  for (std::string coding : {"gzip", "identity", "chunked, identity"}) {
    // A GET whose "body" is a whole purchase: read as an empty body, the
    // purchase would run as the next request (RFC 9112 6.3 wants 400).
    auto got = exchange(
      node.port(),
      "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding
        + "\r\n\r\nPOST /v1/products/SKU-000002/purchase HTTP/1.1\r\nHost: "
          "x\r\nContent-Length: 34\r\n\r\n"
          R"({"quantity":1,"customer_id":"eve"})");
    EXPECT_EQ(count(got, "HTTP/1.1 "), 1u) << coding << ":\n" << got;
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << coding;
  }
  EXPECT_EQ(stock_of(client, "SKU-000002"), before) << "nothing smuggled";
  // Chunked bodies still work.
  auto chunked = exchange(node.port(),
                          "POST /v1/products/SKU-000002/purchase HTTP/1.1\r\n"
                          "Host: x\r\nConnection: close\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n22\r\n"
                          R"({"quantity":1,"customer_id":"eve"})"
                          "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 201", 0), 0u) << chunked;
  EXPECT_EQ(stock_of(client, "SKU-000002"), before - 1);
}

TEST(hostile, deeply_nested_json_is_refused_and_the_node_keeps_serving) {
  node_process node{{"--demo.products=3"}};
  http_client client{node.port()};
  // 200,000 levels in the bulk load (64 MB limit): unbalanced, balanced.
  std::string open(200000, '['), close(200000, ']');
  for (const auto& body : {open, open + close}) {
    auto res = client.admin(verb::post, "/v1/admin/products:bulk", body);
    ASSERT_EQ(res.status, 200u) << res.body;
    EXPECT_EQ(res.json()["loaded"], 0);
    EXPECT_EQ(res.json()["rejected"][0]["error"]["code"], "malformed_json");
  }
  // Within the 64 KB of any other endpoint.
  std::string deep = std::string(30000, '[') + std::string(30000, ']');
  auto buy = client.request(verb::post, "/v1/products/SKU-000001/purchase",
                            deep);
  EXPECT_EQ(buy.status, 400u);
  EXPECT_EQ(buy.error_code(), "malformed_json");
  EXPECT_NE(buy.json()["error"]["message"].get<std::string>().find("nested"),
            std::string::npos);
  // Ordinary nesting is untouched.
  auto order = client.request(
    verb::post, "/v1/orders",
    R"({"customer_id":"c","items":[{"sku":"SKU-000001","quantity":1}]})");
  EXPECT_EQ(order.status, 201u) << order.body;
  EXPECT_EQ(client.get("/healthz").status, 200u);
}

TEST(hostile, odd_but_valid_requests_are_served_and_odd_input_refused) {
  node_process node{{"--demo.products=3"}};
  http_client client{node.port()};
  auto before = stock_of(client, "SKU-000001");
  // NUL cannot be stored in PostgreSQL's text: refused, not truncated.
  auto nul = client.request(verb::post, "/v1/products/SKU-000001/purchase",
                            R"({"quantity":1,"customer_id":"a\u0000b"})");
  EXPECT_EQ(nul.status, 400u);
  EXPECT_EQ(nul.error_code(), "invalid_field");
  EXPECT_EQ(stock_of(client, "SKU-000001"), before);
  // Bytes that are not UTF-8 in the path: the 404's body stays JSON.
  auto raw = exchange(node.port(), "GET /v1/x\xff\xfe HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\n\r\n");
  ASSERT_EQ(raw.rfind("HTTP/1.1 404", 0), 0u) << raw;
  auto body = raw.substr(raw.find("\r\n\r\n") + 4);
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(body)) << body;
  EXPECT_NE(body.find("%FF%FE"), std::string::npos) << body;
  // HEAD: the GET's status and headers, Content-Length included, no body.
  auto got = client.get("/v1/products/SKU-000001");
  auto head = client.request(verb::head, "/v1/products/SKU-000001");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(got.body.size()));
  EXPECT_EQ(head.header("ETag"), got.header("ETag"));
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(client.request(verb::head, "/healthz").status, 200u)
    << "the connection is still in step after a HEAD";
  // A percent-encoded SKU is the SKU.
  auto encoded = client.get("/v1/products/SKU%2D000001");
  EXPECT_EQ(encoded.status, 200u);
  EXPECT_EQ(encoded.body, got.body);
  // An empty description is a description.
  auto put = client.admin(verb::put, "/v1/admin/products/BARE",
                          R"({"name":"Bare","description":"","category":"c",)"
                          R"("price":1,"currency":"USD","stock":1})");
  EXPECT_EQ(put.status, 201u) << put.body;
}

/// A connection from `source` (any 127.0.0.0/8 address is this host's).
std::unique_ptr<tcp::socket> connect_from(net::io_context& ioc,
                                          const char* source, uint16_t port) {
  auto s = std::make_unique<tcp::socket>(ioc);
  s->open(tcp::v4());
  s->bind({net::ip::make_address(source), 0});
  s->connect({net::ip::make_address("127.0.0.1"), port});
  return s;
}

/// True once the node has closed `s` (read gives EOF or an error).
bool closed_by_node(tcp::socket& s) {
  s.non_blocking(true);
  char c;
  boost::system::error_code ec;
  s.read_some(net::buffer(&c, 1), ec);
  return ec && ec != net::error::would_block;
}

int64_t closed_total(http_client& client, const std::string& reason) {
  return metric_sample(client.get("/metrics").body,
                       "doorbuster_http_connections_closed_total{reason=\""
                         + reason + "\"}")
    .value_or(0);
}

TEST(hostile, slow_clients_cannot_keep_fresh_ones_out) {
  // 250 slowloris connections against 200 allowed: each sends half a head
  // and then nothing.
  node_process node{{"--demo.products=3", "--http.max-connections=200",
                     "--http.header-timeout-ms=2000"}};
  net::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> slow;
  for (int i = 0; i < 250; ++i) {
    slow.push_back(connect_from(ioc, "127.0.0.1", node.port()));
    net::write(*slow.back(), net::buffer(std::string{"GET /healthz HTTP/1.1\r\n"
                                                     "Host: x\r\nX-a: "}));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  // Fresh clients are served at once: slow ones make way for them.
  for (int i = 0; i < 3; ++i) {
    http_client fresh{node.port()};
    EXPECT_EQ(fresh.get("/healthz").status, 200u);
    EXPECT_EQ(fresh.get("/v1/products/SKU-000001").status, 200u);
    EXPECT_EQ(fresh
                .request(verb::post, "/v1/products/SKU-000001/purchase",
                         R"({"quantity":1,"customer_id":"c"})")
                .status,
              201u);
  }
  http_client observer{node.port()};
  EXPECT_GT(closed_total(observer, "evicted"), 0);
  // Past the header timeout no slow connection is left open.
  std::this_thread::sleep_for(std::chrono::milliseconds{2500});
  size_t open = 0;
  for (auto& s : slow)
    open += !closed_by_node(*s);
  EXPECT_EQ(open, 0u) << "slow heads are cut off after the header timeout";
  EXPECT_GT(closed_total(observer, "header_timeout"), 0);
}

TEST(hostile, one_address_cannot_take_every_connection) {
  node_process node{{"--demo.products=3",
                     "--http.max-connections-per-address=20"}};
  net::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> held;
  for (int i = 0; i < 20; ++i)
    held.push_back(connect_from(ioc, "127.0.0.2", node.port()));
  auto extra = connect_from(ioc, "127.0.0.2", node.port());
  net::write(*extra, net::buffer(std::string{"GET /healthz HTTP/1.1\r\n"
                                             "Host: x\r\n\r\n"}));
  std::string answer(512, '\0');
  boost::system::error_code ec;
  auto n = extra->read_some(net::buffer(answer), ec);
  answer.resize(n);
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  EXPECT_NE(answer.find("too_many_connections"), std::string::npos) << answer;
  // Another address is served.
  http_client other{node.port()};
  EXPECT_EQ(other.get("/healthz").status, 200u);
  EXPECT_GT(closed_total(other, "per_address"), 0);
}

/// CPU seconds (user + system) the process has used so far.
double cpu_seconds(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string field;
  double ticks = 0;
  for (int i = 1; i <= 15 && in >> field; ++i)
    if (i == 14 || i == 15)
      ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TEST(hostile, running_out_of_file_descriptors_pauses_accepting_without_spin) {
  // 256 open files for the node, soft and hard, with 400 clients holding
  // connections: accepts fail with EMFILE once the node's files run out.
  node_process node{{"--demo.products=3"}, {}, {256, true}};
  EXPECT_NE(node.log().find("may open only 256 files"), std::string::npos)
    << "the node says that max-connections does not fit\n"
    << node.log();
  net::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> held;
  for (int i = 0; i < 400; ++i) {
    held.push_back(std::make_unique<tcp::socket>(ioc));
    held.back()->connect({net::ip::make_address("127.0.0.1"), node.port()});
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  auto cpu_before = cpu_seconds(node.pid());
  std::this_thread::sleep_for(std::chrono::seconds{2});
  auto spent = cpu_seconds(node.pid()) - cpu_before;
  EXPECT_LT(spent, 0.5) << "the accept loop must not spin (a spinning one "
                           "used a whole core)";
  EXPECT_LT(count(node.log(), "accept failed"), 3u) << "bounded logging";
  held.clear(); // the node gets its files back
  // A fresh client is served once descriptors are free again.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  unsigned status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < give_up) {
    try {
      http_client fresh{node.port()};
      status = fresh.get("/healthz").status;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
  }
  EXPECT_EQ(status, 200u);
}

} // namespace
} // namespace doorbuster::testing
