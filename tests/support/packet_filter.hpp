// Partitions for fault tests, made with nftables on this machine's
// loopback: a table of the test's own whose output chain drops the packets
// the test names (e.g. those of one node's sockets, told apart by the user
// id the node runs as). Needs root and nft; the table goes with the object.
#pragma once

#include <string>

namespace doorbuster::testing {

class packet_filter {
public:
  /// Whether this process may filter packets (root, nft installed), and if
  /// not, why.
  static std::string unavailable_reason();

  packet_filter();
  ~packet_filter();
  packet_filter(const packet_filter&) = delete;
  packet_filter& operator=(const packet_filter&) = delete;

  /// Drops the outgoing packets that `match` (an nft match expression,
  /// e.g. "meta skuid 60001 tcp dport 5432") selects.
  void drop(const std::string& match);

  /// Lets everything through again.
  void heal();

private:
  std::string table_;
};

} // namespace doorbuster::testing
