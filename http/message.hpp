// The HTTP message types of the API and the callable a handler answers with.
#pragma once

#include "http/shared_text_body.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>

namespace doorbuster::http {

namespace bhttp = boost::beast::http;

using request = bhttp::request<bhttp::string_body>;
using response = bhttp::response<shared_text_body>;

/// Delivers the answer to a request. Callable once, from any thread: the
/// session moves the write onto its connection's io thread.
using responder = std::function<void(response)>;

/// A response with a JSON body; the session sets version and keep-alive.
response json_response(bhttp::status status, std::string body);

} // namespace doorbuster::http
