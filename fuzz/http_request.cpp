// The request path without sockets: the bytes a client sends are parsed
// by Beast (with the node's head and body limits), the path is
// percent-decoded and routed, the query split, and the body handed to the
// decoder of its route, as the node does before anything reaches an actor.
#include "bodies.hpp"
#include "http/query_string.hpp"
#include "http/router.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace bhttp = boost::beast::http;
using doorbuster::fuzz::body_kind;
using doorbuster::http::route_id;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done())
    return 0;
  const auto& req = parser.get();
  std::string_view target = req.target();
  auto q = target.find('?');
  auto path = doorbuster::http::decode_path(target.substr(0, q));
  if (q != std::string_view::npos)
    if (auto params = doorbuster::http::parse_query(target.substr(q + 1)))
      if (auto c = params->find("cursor"); c != params->end())
        (void)doorbuster::http::decode_cursor(c->second);
  auto r = doorbuster::http::match(path);
  if (!r)
    return 0;
  std::string_view body = req.body();
  auto patch = req.method() == bhttp::verb::patch;
  switch (r->id) {
    case route_id::purchase:
      decode_body(body_kind::purchase, body);
      break;
    case route_id::admin_product:
      decode_body(patch ? body_kind::patch : body_kind::product, body);
      break;
    case route_id::admin_bulk:
      for (size_t at = 0; at < body.size();) {
        auto end = body.find('\n', at);
        if (end == std::string_view::npos)
          end = body.size();
        decode_body(body_kind::bulk_line, body.substr(at, end - at));
        at = end + 1;
      }
      break;
    case route_id::reservations:
      decode_body(body_kind::reservation, body);
      break;
    case route_id::orders:
      decode_body(body_kind::order, body);
      break;
    case route_id::reservation_extend:
      decode_body(body_kind::extend, body);
      break;
    case route_id::reservation_confirm:
      decode_body(body_kind::empty, body);
      break;
    default:
      break;
  }
  return 0;
}
