// doorbuster-console: an operator's shell on a running node, through the
// node's admin actor (CAF middleman, admin port, admin token).
//   doorbuster-console                       interactive (GNU readline)
//   doorbuster-console -c 'product SKU-1'    one command, for scripts
#include "console/admin_client.hpp"
#include "console/commands.hpp"
#include "console/shell.hpp"
#include "console/words.hpp"
#include "config/tls_identity.hpp"
#include "config/version.hpp"
#include "domain/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace {

using namespace doorbuster;

struct console_config : caf::actor_system_config {
  std::string connect = "127.0.0.1:8081";
  std::string token_file;
  std::string command;
  std::string history_file;
  std::string tls_dir = "data/tls";
  bool json = false;

  console_config() {
    opt_group{custom_options_, "global"}
      .add(connect, "connect", "the node's admin port, host:port")
      .add(token_file, "token-file",
           "file holding the admin token (else DOORBUSTER_ADMIN_TOKEN)")
      .add(command, "command,c", "run this one command and exit")
      .add(json, "json", "print answers as JSON")
      .add(tls_dir, "tls-dir",
           "the node's TLS identity (node.pem, node.key, optional ca.pem): "
           "its tls.dir, by default <data-dir>/tls")
      .add(history_file, "history-file",
           "interactive history (default ~/.doorbuster_console_history)");
    // The node's message types, so that both ends name them alike.
    add_message_types<caf::id_block::doorbuster>();
    // The console is a client: no scheduler threads to spare, quiet logs.
    set("scheduler.max-threads", 2);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

std::string read_token(const console_config& cfg) {
  if (!cfg.token_file.empty()) {
    std::ifstream in{cfg.token_file};
    std::string token;
    if (!std::getline(in, token) || token.empty())
      throw std::runtime_error("cannot read a token from " + cfg.token_file);
    return token;
  }
  if (const char* env = std::getenv("DOORBUSTER_ADMIN_TOKEN"); env && *env)
    return env;
  throw std::runtime_error("no admin token: give --token-file or set "
                           "DOORBUSTER_ADMIN_TOKEN");
}

int run(caf::actor_system& sys, const console_config& cfg) {
  auto colon = cfg.connect.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "doorbuster-console: --connect wants host:port\n";
    return console::usage;
  }
  auto host = cfg.connect.substr(0, colon);
  int port = std::atoi(cfg.connect.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    std::cerr << "doorbuster-console: bad port in --connect\n";
    return console::usage;
  }
  if (!cfg.command.empty()) {
    auto words = console::words_of(cfg.command);
    if (words.empty() || !console::check_arguments(words).empty()) {
      std::cerr << "doorbuster-console: "
                << (words.empty() ? std::string{"empty command"}
                                  : console::check_arguments(words))
                << "\n";
      return console::usage;
    }
  }
  std::string token;
  try {
    token = read_token(cfg);
  } catch (const std::exception& ex) {
    std::cerr << "doorbuster-console: " << ex.what() << "\n";
    return console::usage;
  }
  try {
    console::admin_client node{sys, host, static_cast<uint16_t>(port),
                               std::move(token)};
    if (!cfg.command.empty())
      return console::run_command(node, console::words_of(cfg.command),
                                  cfg.json, std::cout, std::cerr);
    auto history = cfg.history_file;
    if (history.empty()) {
      const char* home = std::getenv("HOME");
      history = std::string{home ? home : "."} + "/.doorbuster_console_history";
    }
    return console::interactive(node, history, cfg.json);
  } catch (const std::exception& ex) {
    std::cerr << "doorbuster-console: " << ex.what() << "\n";
    return console::unreachable;
  }
}

} // namespace

int main(int argc, char** argv) {
  console_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.load<caf::openssl::manager>();
  std::vector<std::string> args(argv + 1, argv + argc);
  for (auto& arg : args) {
    if (arg == "--help" || arg == "-h")
      arg = "--long-help";
    if (arg == "--version") {
      std::cout << "doorbuster-console " << config::version() << " (commit "
                << config::commit() << ")\n";
      return EXIT_SUCCESS;
    }
  }
  if (auto err = cfg.parse(std::move(args))) {
    std::cerr << "doorbuster-console: " << cfg.render(err) << "\n";
    return console::usage;
  }
  if (cfg.cli_helptext_printed)
    return EXIT_SUCCESS;
  // The admin port speaks mutually authenticated TLS.
  auto tls = config::tls_identity_in(cfg.tls_dir);
  if (!config::tls_identity_exists(tls)) {
    std::cerr << "doorbuster-console: no TLS identity in " << cfg.tls_dir
              << " (node.pem, node.key): give --tls-dir, the node's tls.dir\n";
    return console::usage;
  }
  config::use_tls_identity(cfg, tls);
  caf::actor_system sys{cfg};
  return run(sys, cfg);
}
