// One blocking HTTP exchange, for the load generator's set-up and checks
// (seeding products, reading stock back), never for the load itself.
#pragma once

#include <cstdint>
#include <string>

namespace doorbuster::loadgen {

struct sync_reply {
  unsigned status = 0;
  std::string body;
};

/// Throws boost::system::system_error when the node cannot be reached.
sync_reply sync_request(const std::string& host, uint16_t port,
                        const std::string& method, const std::string& target,
                        const std::string& body = {},
                        const std::string& token = {});

} // namespace doorbuster::loadgen
