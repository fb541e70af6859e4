// The HTTP/1.1 server: one io_context per io thread, one listener spreading
// accepted connections over them, sessions bounded in size, count and idle
// time. Handing requests to the api is all it does.
#pragma once

#include "config/options.hpp"

#include <cstdint>
#include <memory>

namespace doorbuster::http {

class api;

class server {
public:
  /// `opts` (address, port, threads, connection and size bounds, timeouts)
  /// must outlive the server.
  server(const config::http_options& opts, api& handler);
  ~server();

  /// Binds, starts the io threads; returns the bound port. Throws
  /// boost::system::system_error when the address cannot be bound.
  uint16_t start();

  /// Closes the listening socket; open connections go on being served.
  void stop_accepting();

  /// Stops accepting and joins the io threads. Replies still owed by actors
  /// are dropped with the io contexts when the server is destroyed.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::http
