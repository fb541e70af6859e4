// The node's actor_system_config: declares every option of config::options
// once, so the shipped config file and the command line fill the same fields.
#pragma once

#include "config/options.hpp"

#include <caf/actor_system_config.hpp>

namespace doorbuster::config {

class node_config : public caf::actor_system_config {
public:
  node_config();

  options opts;
};

/// Returns why `opts` cannot run a node, or an empty string.
std::string validate(const options& opts);

} // namespace doorbuster::config
