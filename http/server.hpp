// The HTTP/1.1 server: one io_context per io thread, one listener spreading
// accepted connections over them, sessions bounded in size, count and idle
// time. Handing requests to the api is all it does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace doorbuster::http {

class api;

struct server_options {
  std::string address = "0.0.0.0";
  uint16_t port = 8080;
  size_t threads = 1;
  size_t max_connections = 10000;
  size_t max_header_bytes = 8 * 1024;
  size_t idle_timeout_ms = 30000;
  size_t request_timeout_ms = 5000;
};

class server {
public:
  server(const server_options& opts, api& handler);
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
