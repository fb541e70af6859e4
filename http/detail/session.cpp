#include "http/detail/session.hpp"

#include "http/api_error.hpp"
#include "http/detail/connection_table.hpp"
#include "http/metrics.hpp"
#include "http/request_context.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <optional>

namespace doorbuster::http::detail {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;

class session : public evictable,
                public std::enable_shared_from_this<session> {
public:
  session(io_socket socket, const config::http_options& opts,
          api& handler, size_t io_thread)
    : stream_(std::move(socket)),
      deadline_(stream_.get_executor()),
      opts_(opts),
      api_(handler),
      io_thread_(io_thread) {
    ++metrics::open_connections;
    boost::system::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    client_ = ec ? "unknown" : peer.address().to_string();
  }

  ~session() override {
    --metrics::open_connections;
    if (admitted_)
      connections().release(client_, this);
  }

  void evict() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->answering_ || self->response_)
        return; // a request came in meanwhile: it is served
      metrics::connections_closed_evicted += 1;
      self->close();
    });
  }

  /// Serves requests, or answers 503 and closes when `refuse` (the server
  /// is at its limit) or when the client's address holds its share.
  void run(bool refuse) {
    admitted_ = connections().admit(client_,
                                    opts_.max_connections_per_address,
                                    weak_from_this(), this);
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), refuse] {
      if (!refuse && self->admitted_) {
        self->do_read();
        return;
      }
      self->keep_alive_ = false;
      if (!self->admitted_)
        metrics::connections_closed_per_address += 1;
      self->refuse(error_response(
        bhttp::status::service_unavailable, "too_many_connections",
        refuse ? "the server is at its connection limit"
               : "too many connections from this address"));
    });
  }

private:
  std::chrono::milliseconds idle() const {
    return std::chrono::milliseconds{opts_.idle_timeout_ms};
  }

  /// Waits (up to the idle timeout) for the first bytes of a request; from
  /// then on its head must be complete within the header timeout. Meanwhile
  /// the connection may be evicted to make way for a new one.
  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(opts_.max_header_bytes));
    // The largest limit of any path; narrowed once the head names the path.
    parser_->body_limit(api_.body_limit_max());
    waiting_since.store(std::chrono::steady_clock::now()
                          .time_since_epoch()
                          .count(),
                        std::memory_order_relaxed);
    if (buffer_.size() > 0)
      return read_header(); // pipelined: the next request is here already
    stream_.expires_after(idle());
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec,
                                                        size_t n) {
                              if (ec)
                                return self->on_read_error(ec);
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    stream_.expires_after(std::chrono::milliseconds{opts_.header_timeout_ms});
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](
                               beast::error_code ec, size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    waiting_since.store(0, std::memory_order_relaxed);
    if (ec == beast::error::timeout)
      metrics::connections_closed_header_timeout += 1;
    if (ec)
      return on_read_error(ec);
    // RFC 9112 6.3: a request whose Transfer-Encoding does not end in
    // chunked has no knowable length. Beast would read it as an empty body
    // and run the body's bytes as the next request (request smuggling), so
    // it is refused and the connection closed.
    if (parser_->get().count(bhttp::field::transfer_encoding) != 0
        && !parser_->chunked()) {
      keep_alive_ = false;
      return refuse(error_response(bhttp::status::bad_request, "bad_request",
                                   "Transfer-Encoding must end in chunked"));
    }
    // Beast checks Content-Length against the limit in force when the head
    // completes; the limit depends on the path, so check it here.
    auto limit = api_.body_limit(parser_->get().target());
    parser_->body_limit(limit);
    if (auto length = parser_->content_length(); length && *length > limit)
      return on_read_error(bhttp::error::body_limit);
    if (parser_->get()[bhttp::field::expect] == "100-continue") {
      // Clients such as curl wait for this before sending a large body.
      continue_.emplace(bhttp::status::continue_, parser_->get().version());
      bhttp::async_write(stream_, *continue_,
                         [self = shared_from_this()](beast::error_code ec,
                                                     size_t) {
                           if (ec)
                             return self->close();
                           self->read_body();
                         });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec,
                                                  size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return on_read_error(ec);
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == bhttp::verb::head;
    version_ = req.version();
    ++metrics::requests_in_flight;
    answering_ = true;
    auto seq = ++request_seq_;
    request_context ctx;
    ctx.who.address = client_;
    ctx.request_id = request_id_of(req);
    ctx.received = std::chrono::steady_clock::now();
    ctx.deadline = ctx.received + api_.time_limit(req.target());
    ctx.io_thread = io_thread_;
    ctx.executor = &executor_;
    request_id_ = ctx.request_id;
    request_deadline_ = ctx.deadline;
    if (!timer_armed_)
      arm_deadline();
    // Answers come on this connection's io thread (the api posts them
    // here); dispatch keeps that true for any other caller too.
    api_.handle(std::move(req), std::move(ctx),
                [self = shared_from_this(), seq](response res) {
                  auto ex = self->stream_.get_executor();
                  net::dispatch(ex, [self, seq, res = std::move(res)]() mutable {
                    self->answer(seq, std::move(res));
                  });
                });
  }

  /// The api's answer; dropped if the request was answered 504 already.
  void answer(uint64_t seq, response res) {
    if (seq != request_seq_ || !answering_)
      return;
    write(std::move(res));
  }

  /// One timer per connection, re-armed only when it fires: a request costs
  /// no timer operation of its own (at most one wake-up per timeout period).
  void arm_deadline() {
    timer_armed_ = true;
    deadline_.expires_at(request_deadline_);
    deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      self->timer_armed_ = false;
      if (!ec)
        self->on_deadline();
    });
  }

  void on_deadline() {
    if (!answering_ || !stream_.socket().is_open())
      return;
    if (std::chrono::steady_clock::now() < request_deadline_) {
      arm_deadline(); // a later request with a later deadline
      return;
    }
    auto res = error_response(bhttp::status::gateway_timeout,
                              "deadline_exceeded",
                              "no answer within the request deadline");
    tag_response(res, request_id_);
    metrics::local().count_request("timeout", res.result_int(),
                                   opts_.request_timeout_ms / 1000.0);
    write(std::move(res));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout
        || ec == net::error::connection_reset || ec == net::error::eof
        || ec == bhttp::error::partial_message) {
      close();
      return;
    }
    keep_alive_ = false;
    if (ec == bhttp::error::header_limit)
      refuse(error_response(bhttp::status::request_header_fields_too_large,
                           "headers_too_large",
                           "request head exceeds "
                             + std::to_string(opts_.max_header_bytes)
                             + " bytes"));
    else if (ec == bhttp::error::body_limit)
      refuse(error_response(bhttp::status::payload_too_large, "body_too_large",
                            "request body exceeds the limit of this path"));
    else
      refuse(error_response(bhttp::status::bad_request, "bad_request",
                            "malformed HTTP request: " + ec.message()));
  }

  /// Answers a request refused before it reached the api: like every
  /// answer it has an X-Request-Id and is counted (route "unrouted").
  void refuse(response res) {
    tag_response(res, new_request_id());
    metrics::local().count_request("unrouted", res.result_int(), 0);
    write(std::move(res));
  }

  void write(response res) {
    if (answering_) {
      answering_ = false;
      --metrics::requests_in_flight;
    }
    res.version(version_);
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    if (head_) {
      // The GET's headers, Content-Length included, and no body.
      head_ = false;
      res.body().clear();
    }
    response_.emplace(std::move(res));
    stream_.expires_after(idle());
    bhttp::async_write(stream_, *response_,
                       [self = shared_from_this()](beast::error_code ec,
                                                   size_t) {
                         self->on_write(ec);
                       });
  }

  void on_write(beast::error_code ec) {
    response_.reset();
    if (ec || !keep_alive_)
      return close();
    do_read();
  }

  void close() {
    deadline_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::basic_stream<net::ip::tcp, net::io_context::executor_type> stream_;
  net::basic_waitable_timer<std::chrono::steady_clock,
                            net::wait_traits<std::chrono::steady_clock>,
                            net::io_context::executor_type>
    deadline_; // of the request with the api
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<response> response_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  const config::http_options& opts_;
  api& api_;
  size_t io_thread_;
  net::any_io_executor executor_ = stream_.get_executor();
  bool keep_alive_ = true;
  bool head_ = false; // the request being answered is a HEAD
  bool answering_ = false; // a request is with the api
  uint64_t request_seq_ = 0;
  std::string request_id_; // of the request with the api
  std::chrono::steady_clock::time_point request_deadline_;
  bool timer_armed_ = false;
  bool admitted_ = false; // counted against the client's address
  std::string client_;
  unsigned version_ = 11;
};

} // namespace

void start_session(io_socket socket,
                   const config::http_options& opts, api& handler,
                   size_t io_thread, bool over_limit) {
  std::make_shared<session>(std::move(socket), opts, handler, io_thread)
    ->run(over_limit);
}

} // namespace doorbuster::http::detail
