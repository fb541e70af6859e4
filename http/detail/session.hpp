// One client connection: reads a request (head, then a body bounded by its
// route), hands it to the api, writes the answer on its own io thread, and
// repeats while keep-alive holds. Owns itself through shared_from_this.
#pragma once

#include "http/api.hpp"
#include "http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace doorbuster::http::detail {

/// A connection's socket, bound to its io thread's io_context: its
/// operations use that executor as it is, not type-erased
/// (any_io_executor's copies cost ~5% of a product page's CPU).
using io_socket =
  boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                   boost::asio::io_context::executor_type>;

/// Starts serving `socket` on io thread `io_thread`; refuses it with 503
/// when `over_limit`.
void start_session(io_socket socket,
                   const config::http_options& opts, api& handler,
                   size_t io_thread, bool over_limit);

} // namespace doorbuster::http::detail
