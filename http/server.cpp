#include "http/server.hpp"

#include "http/detail/connection_table.hpp"
#include "http/detail/session.hpp"
#include "http/metrics.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace doorbuster::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct server::impl {
  using work_guard = net::executor_work_guard<net::io_context::executor_type>;

  impl(const config::http_options& opts, api& handler)
    : opts(opts), handler(handler) {
    for (size_t i = 0; i < opts.threads; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
      guards.emplace_back(contexts.back()->get_executor());
    }
    acceptor.emplace(*contexts.front());
    accept_pause.emplace(*contexts.front());
  }

  void do_accept() {
    auto io_thread = next_context++ % contexts.size();
    acceptor->async_accept(*contexts[io_thread], [this, io_thread](
                                                   boost::system::error_code ec,
                                                   detail::io_socket socket) {
      if (ec == net::error::operation_aborted)
        return; // stopping
      if (ec) {
        // Out of file descriptors (or memory): accepting again at once
        // would spin. Pause; connections wait in the listen backlog.
        accept_failed(ec);
        accept_pause->expires_after(std::chrono::milliseconds{100});
        accept_pause->async_wait([this](boost::system::error_code ec) {
          if (!ec)
            do_accept();
        });
        return;
      }
      socket.set_option(tcp::no_delay{true});
      // At the limit, the connection that has waited longest for a request
      // head makes way: slow or idle clients cannot keep new ones out.
      bool over = metrics::open_connections.load()
                    >= static_cast<int64_t>(opts.max_connections)
                  && !detail::connections().evict_oldest();
      detail::start_session(std::move(socket), opts, handler, io_thread,
                            over);
      do_accept();
    });
  }

  /// At most one log line per 10 s, with how many failures there were.
  void accept_failed(const boost::system::error_code& ec) {
    ++failures;
    auto now = std::chrono::steady_clock::now();
    if (now - last_failure_log > std::chrono::seconds{10}) {
      spdlog::warn("http: accept failed {} time(s): {}; pausing 100 ms "
                   "between tries (open connections: {})",
                   failures, ec.message(), metrics::open_connections.load());
      failures = 0;
      last_failure_log = now;
    }
  }

  const config::http_options& opts;
  api& handler;
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<work_guard> guards;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_pause;
  uint64_t failures = 0; // accept errors since the last log line
  std::chrono::steady_clock::time_point last_failure_log{}; // epoch: never
  std::vector<std::thread> threads;
  size_t next_context = 0;
};

server::server(const config::http_options& opts, api& handler)
  : impl_(std::make_unique<impl>(opts, handler)) {}

server::~server() {
  stop();
}

uint16_t server::start() {
  auto& acc = *impl_->acceptor;
  tcp::endpoint endpoint{net::ip::make_address(impl_->opts.address),
                         impl_->opts.port};
  boost::system::error_code ec;
  acc.open(endpoint.protocol(), ec);
  if (!ec)
    acc.set_option(net::socket_base::reuse_address{true}, ec);
  if (!ec)
    acc.bind(endpoint, ec);
  if (!ec)
    acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen for HTTP on "
                             + impl_->opts.address + ":"
                             + std::to_string(impl_->opts.port) + ": "
                             + ec.message());
  impl_->do_accept();
  for (auto& ctx : impl_->contexts)
    impl_->threads.emplace_back([&ctx] { ctx->run(); });
  return acc.local_endpoint().port();
}

void server::stop_accepting() {
  if (impl_->threads.empty())
    return;
  std::promise<void> closed;
  net::post(*impl_->contexts.front(), [this, &closed] {
    boost::system::error_code ignored;
    impl_->acceptor->close(ignored);
    impl_->accept_pause->cancel();
    closed.set_value();
  });
  // Shutdown only: the io thread closes the socket it owns.
  closed.get_future().wait();
}

void server::stop() {
  if (impl_->threads.empty())
    return;
  for (auto& ctx : impl_->contexts)
    ctx->stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
}

} // namespace doorbuster::http
