#include "support/http_client.hpp"

#include "support/contract.hpp"
#include "support/node_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <poll.h>

namespace doorbuster::testing {

namespace net = boost::asio;
using tcp = net::ip::tcp;

http_client::http_client(uint16_t port, contract check)
  : port_(port), stream_(ioc_), check_(check) {}

void http_client::connect() {
  stream_.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port_});
  connected_ = true;
  ++connects_;
}

reply http_client::request(bhttp::verb method, const std::string& target,
                           const std::string& body,
                           const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers)
    req.set(name, value);
  req.body() = body;
  if (!body.empty() || method == bhttp::verb::post
      || method == bhttp::verb::put || method == bhttp::verb::patch)
    req.prepare_payload();
  // One retry on a fresh connection if the server closed an idle one.
  for (int attempt = 0;; ++attempt) {
    if (!connected_)
      connect();
    boost::beast::error_code ec;
    reply out;
    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(method == bhttp::verb::head); // a HEAD answer has no body
    if (timeout_.count() == 0) {
      bhttp::write(stream_, req, ec);
      if (!ec)
        bhttp::read(stream_, buffer, parser, ec);
    } else { // the same, with the stream's deadline (async only)
      stream_.expires_after(timeout_);
      bhttp::async_write(stream_, req, [&](boost::beast::error_code e,
                                           size_t) {
        ec = e;
        if (!ec)
          bhttp::async_read(stream_, buffer, parser,
                            [&](boost::beast::error_code e, size_t) {
                              ec = e;
                            });
      });
      ioc_.restart();
      ioc_.run();
      stream_.expires_never();
      if (ec == boost::beast::error::timeout)
        attempt = 1; // no second try: the server is there but silent
    }
    if (!ec)
      out.raw = parser.release();
    if (ec) {
      stream_.close();
      connected_ = false;
      if (attempt == 0)
        continue;
      throw boost::system::system_error{ec};
    }
    if (!out.raw.keep_alive()) {
      stream_.close();
      connected_ = false;
    }
    out.status = out.raw.result_int();
    out.body = out.raw.body();
    if (check_ == contract::check) {
      std::map<std::string, std::string> fields;
      for (const auto& f : out.raw)
        fields[std::string{f.name_string()}] = std::string{f.value()};
      auto problem =
        contract_problem(std::string{bhttp::to_string(method)}, target,
                         out.status, fields, out.body);
      if (!problem.empty())
        ADD_FAILURE() << "response does not match api/openapi.yaml: "
                      << problem;
    }
    return out;
  }
}

reply http_client::admin(bhttp::verb method, const std::string& target,
                         const std::string& body) {
  return request(method, target, body,
                 {{"Authorization", std::string{"Bearer "} + admin_token}});
}

std::string raw_exchange(uint16_t port, const std::string& bytes,
                         int timeout_ms) {
  net::io_context ioc;
  tcp::socket socket{ioc};
  socket.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  net::write(socket, net::buffer(bytes), ec);
  std::string answer;
  char chunk[4096];
  pollfd pfd{socket.native_handle(), POLLIN, 0};
  while (poll(&pfd, 1, timeout_ms) > 0) {
    auto n = socket.read_some(net::buffer(chunk), ec);
    if (ec || n == 0)
      break;
    answer.append(chunk, n);
  }
  return answer;
}

} // namespace doorbuster::testing
