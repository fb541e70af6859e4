#include "support/partitions.hpp"

namespace doorbuster::testing {

void cut_off_from_peers(packet_filter& filter, cluster_nodes& nodes,
                        size_t i) {
  std::string other_ports, other_uids;
  for (size_t j = 0; j < nodes.size(); ++j) {
    if (j == i)
      continue;
    auto sep = other_ports.empty() ? "" : ", ";
    other_ports += sep + std::to_string(nodes.cluster_port(j));
    other_uids += sep + std::to_string(nodes.uid(j));
  }
  auto uid = std::to_string(nodes.uid(i));
  auto port = std::to_string(nodes.cluster_port(i));
  // Its connections to them, its gateway's answers, their connections to it.
  filter.drop("meta skuid " + uid + " tcp dport { " + other_ports + " }");
  filter.drop("meta skuid " + uid + " tcp sport " + port);
  filter.drop("meta skuid { " + other_uids + " } tcp dport " + port);
}

void cut_off_from_postgres(packet_filter& filter, cluster_nodes& nodes,
                           size_t i, const std::string& pg_uri) {
  auto colon = pg_uri.rfind(':');
  auto port = pg_uri.substr(colon + 1, pg_uri.find('/', colon) - colon - 1);
  filter.drop("meta skuid " + std::to_string(nodes.uid(i)) + " tcp dport "
              + port);
}

} // namespace doorbuster::testing
