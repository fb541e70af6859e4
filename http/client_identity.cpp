#include "http/client_identity.hpp"

#include "config/comma_list.hpp"

#include <cassert>

namespace doorbuster::http {

namespace {

/// A customer id from a header: 1 to max_customer_id bytes of printable
/// ASCII, so that it is a valid customer_id wherever it goes.
bool valid_customer(std::string_view id) {
  if (id.empty() || id.size() > max_customer_id)
    return false;
  for (unsigned char c : id)
    if (c <= 0x20 || c >= 0x7f)
      return false;
  return true;
}

} // namespace

identity_policy::identity_policy(const config::http_options& opts)
  : real_ip_header_(opts.real_ip_header),
    identity_header_(opts.identity_header) {
  std::string error;
  auto trusted = config::network_list::parse(opts.trusted_proxies, error);
  assert(trusted);
  if (trusted)
    trusted_ = std::move(*trusted);
}

client_identity identity_policy::identify(const request& req,
                                          std::string_view peer) const {
  client_identity who;
  who.address = std::string{peer};
  if (trusted_.empty())
    return who;
  auto from = config::network_list::address_of(peer);
  if (!from || !trusted_.contains(*from))
    return who; // a direct client: believe nothing it says of itself
  if (!real_ip_header_.empty()) {
    // Each hop appends the address it saw; all lines of the header, in
    // order, form one list. From the right, the first address that is not a
    // trusted proxy is the client's; an item that is no address ends the
    // walk at the proxy that reported it.
    std::string hops;
    for (auto [i, end] = req.equal_range(real_ip_header_); i != end; ++i) {
      if (!hops.empty())
        hops += ',';
      hops.append(i->value().data(), i->value().size());
    }
    auto items = config::comma_list(hops);
    for (auto i = items.rbegin(); i != items.rend(); ++i) {
      auto hop = config::network_list::address_of(*i);
      if (!hop)
        break;
      who.address = hop->to_string();
      if (!trusted_.contains(*hop))
        break;
    }
  }
  if (!identity_header_.empty()) {
    auto named = req[identity_header_];
    if (!named.empty()) {
      std::string_view id{named.data(), named.size()};
      if (valid_customer(id))
        who.customer = std::string{id};
      else
        who.invalid_customer = true;
    }
  }
  return who;
}

} // namespace doorbuster::http
