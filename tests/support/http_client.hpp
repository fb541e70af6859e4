// A blocking HTTP/1.1 keep-alive client over loopback for tests (Beast),
// plus raw socket helpers for requests no well-behaved client would send.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/string_body.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>

namespace doorbuster::testing {

namespace bhttp = boost::beast::http;

struct reply {
  unsigned status = 0;
  std::string body;
  bhttp::response<bhttp::string_body> raw;

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string error_code() const { return json()["error"]["code"]; }
  std::string header(const std::string& name) const {
    return std::string{raw[name]};
  }
};

/// Whether a client checks every response against api/openapi.yaml
/// (support/contract.hpp): on for clients of a node, off for other servers
/// (Prometheus).
enum class contract { check, ignore };

class http_client {
public:
  explicit http_client(uint16_t port, contract check = contract::check);

  reply request(bhttp::verb method, const std::string& target,
                const std::string& body = {},
                const std::map<std::string, std::string>& headers = {});

  reply get(const std::string& target,
            const std::map<std::string, std::string>& headers = {}) {
    return request(bhttp::verb::get, target, {}, headers);
  }

  /// Admin call with the test node's token.
  reply admin(bhttp::verb method, const std::string& target,
              const std::string& body);

  /// How many TCP connections this client opened so far.
  int connects() const { return connects_; }

  /// Gives up on an answer after `timeout` (throws, as for a lost
  /// connection, and closes the connection), as a client with a deadline
  /// would; zero (the default): waits as long as it takes.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

private:
  void connect();

  uint16_t port_;
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  bool connected_ = false;
  int connects_ = 0;
  std::chrono::milliseconds timeout_{0};
  contract check_;
};

/// Sends `bytes` on a fresh connection and returns everything the server
/// answers until it closes (or `timeout_ms` passes).
std::string raw_exchange(uint16_t port, const std::string& bytes,
                         int timeout_ms = 5000);

} // namespace doorbuster::testing
