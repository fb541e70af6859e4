// What the session knows about a request besides its message: who sent it,
// its id for logs and error bodies, and until when it may be answered.
#pragma once

#include "http/client_identity.hpp"
#include "http/message.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <string>

namespace doorbuster::http {

struct request_context {
  client_identity who;    // the connection's address until the api
                          // identifies the client
  std::string request_id; // X-Request-Id, or generated
  std::chrono::steady_clock::time_point received;
  std::chrono::steady_clock::time_point deadline;
  size_t io_thread = 0; // which of the server's io threads serves it
  /// The connection's (its io thread's); valid while the api handles it.
  const boost::asio::any_io_executor* executor = nullptr;
};

/// A new request id, unique per process: 15 characters of [0-9a-v-].
std::string new_request_id();

/// The request's X-Request-Id if it is 1-64 of [A-Za-z0-9._-], else a new
/// one.
std::string request_id_of(const request& req);

/// Sets X-Request-Id and, on an error body, adds "request_id" to it.
void tag_response(response& res, const std::string& request_id);

} // namespace doorbuster::http
