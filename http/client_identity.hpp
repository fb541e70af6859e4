// Who sent a request. A client that connects directly is its address, and
// nothing it says about itself is believed. A request from a trusted proxy
// (http.trusted-proxies) is believed about its client, as nginx's real_ip
// module reads it with real_ip_recursive on: the client is the rightmost
// address of http.real-ip-header (X-Forwarded-For) that is not a trusted
// proxy itself. A trusted gateway may also name the authenticated customer
// in http.identity-header; that customer then is the request's identity
// and its orders' customer_id.
#pragma once

#include "config/network_list.hpp"
#include "config/options.hpp"
#include "http/message.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace doorbuster::http {

struct client_identity {
  std::string address;  // the client's address
  std::string customer; // named by a trusted gateway; empty: none
  bool invalid_customer = false; // the gateway's header is not a valid id

  /// What rate limits and hold caps count per client: the customer if a
  /// gateway named one, else the address.
  std::string key() const {
    return customer.empty() ? address : "customer:" + customer;
  }
};

/// The longest customer id, in the identity header as in a request body.
constexpr size_t max_customer_id = 128;

class identity_policy {
public:
  /// `opts.trusted_proxies` must parse (config::node_config checks it).
  explicit identity_policy(const config::http_options& opts);

  /// Who sent `req` over a connection from `peer` (an address).
  client_identity identify(const request& req, std::string_view peer) const;

private:
  config::network_list trusted_;
  std::string real_ip_header_;
  std::string identity_header_;
};

} // namespace doorbuster::http
