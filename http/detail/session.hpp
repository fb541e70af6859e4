// One client connection: reads a request (head, then a body bounded by its
// route), hands it to the api, writes the answer on its own io thread, and
// repeats while keep-alive holds. Owns itself through shared_from_this.
#pragma once

#include "http/api.hpp"
#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace doorbuster::http::detail {

/// Starts serving `socket` on io thread `io_thread`; refuses it with 503
/// when `over_limit`.
void start_session(boost::asio::ip::tcp::socket socket,
                   const config::http_options& opts, api& handler,
                   size_t io_thread, bool over_limit);

} // namespace doorbuster::http::detail
