// The node's actor_system_config: declares every option of config::options
// once (name, help, bounds; the default is the field's initializer in
// options.hpp), so the shipped config file and the command line fill the
// same fields. Secrets may come from the environment instead.
#pragma once

#include "config/options.hpp"

#include <caf/actor_system_config.hpp>

#include <functional>
#include <string>
#include <vector>

namespace doorbuster::config {

class node_config : public caf::actor_system_config {
public:
  node_config();

  /// After parse(): takes secrets from the environment
  /// (DOORBUSTER_PG_URI over persistence.pg-uri, DOORBUSTER_ADMIN_TOKEN
  /// over admin.token-file), checks every bound and resolves tls.dir.
  /// Returns why the options cannot run a node, or an empty string.
  std::string finish();

  options opts;
  /// --generate-tls=DIR: write an identity there and exit.
  std::string generate_tls;

private:
  /// One per bounded option: empty, or why its value is out of bounds.
  std::vector<std::function<std::string()>> bounds_;
};

} // namespace doorbuster::config
