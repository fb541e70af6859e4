// doorbuster-console's line to a node: the node's admin actor, reached
// through CAF's middleman, asked one command at a time with the admin token.
#pragma once

#include "actors/admin_actor.hpp"

#include <caf/fwd.hpp>

#include <string>
#include <vector>

namespace doorbuster::console {

/// The node's answer: `ok` with a JSON `result`, or an error code and text.
struct answer {
  bool ok = false;
  std::string result; // JSON text
  std::string code;   // on failure
  std::string message;
};

class admin_client {
public:
  /// Throws std::runtime_error ("node unreachable at …") when it cannot
  /// connect.
  admin_client(caf::actor_system& sys, const std::string& host,
               uint16_t port, std::string token);

  /// Throws std::runtime_error when the node does not answer.
  answer ask(const std::vector<std::string>& words);

private:
  caf::actor_system& sys_;
  actors::admin_actor node_;
  std::string token_;
  std::string where_;
};

} // namespace doorbuster::console
