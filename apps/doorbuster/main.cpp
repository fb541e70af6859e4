// The Doorbuster node: parses the configuration, starts the actors, loads
// the catalog, serves HTTP until SIGINT or SIGTERM, then stops everything in
// reverse order.
#include "actors/inventory.hpp"
#include "config/node_config.hpp"
#include "http/admin_auth.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "persistence/boot_generation.hpp"
#include "persistence/demo_catalog.hpp"

#include <caf/actor_system.hpp>

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#ifndef DOORBUSTER_DEFAULT_CONFIG
#define DOORBUSTER_DEFAULT_CONFIG "config/doorbuster.conf"
#endif

namespace {

using namespace doorbuster;

/// DOORBUSTER_ADMIN_TOKEN, else the token file, else a fresh token.
std::string admin_token(const config::options& opts) {
  if (const char* env = std::getenv("DOORBUSTER_ADMIN_TOKEN"); env && *env)
    return env;
  if (!opts.admin.token_file.empty()) {
    std::ifstream in{opts.admin.token_file};
    std::string token;
    if (!std::getline(in, token) || token.empty())
      throw std::runtime_error("cannot read an admin token from "
                               + opts.admin.token_file);
    return token;
  }
  auto token = http::generate_admin_token();
  spdlog::warn("no admin token configured; generated one for this run: {}",
               token);
  return token;
}

size_t load_demo_catalog(actors::inventory& inv,
                         const config::demo_options& demo) {
  if (demo.products == 0)
    return 0;
  auto entries = persistence::make_demo_catalog(
    {demo.products, demo.categories, demo.seed});
  std::promise<size_t> loaded;
  inv.put_many(std::move(entries),
               [&loaded](std::vector<actors::write_result> results) {
                 loaded.set_value(results.size());
               });
  // Start-up only: the main thread is neither an io nor a scheduler thread.
  return loaded.get_future().get();
}

int run(config::node_config& cfg) {
  const auto& opts = cfg.opts;
  if (auto problem = config::validate(opts); !problem.empty()) {
    std::cerr << "doorbuster: " << problem << "\n";
    return EXIT_FAILURE;
  }
  spdlog::set_level(spdlog::level::from_str(opts.log.level));
  // Signals are taken by sigwait below; block them before any thread starts
  // so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto generation
    = persistence::next_boot_generation(opts.persistence.data_dir);
  caf::actor_system sys{cfg};
  actors::inventory inv{sys,
                        {opts.products.shards, opts.catalog.workers,
                         opts.products.idempotency_keys, generation}};
  http::api api{inv,
                {admin_token(opts), opts.products.max_quantity,
                 opts.http.max_body_bytes, opts.http.max_bulk_body_bytes}};
  http::server server{{opts.http.address, opts.http.port, opts.http.threads,
                       opts.http.max_connections, opts.http.max_header_bytes,
                       opts.http.idle_timeout_ms},
                      api};
  auto products = load_demo_catalog(inv, opts.demo);
  auto port = server.start();
  if (!opts.http.port_file.empty())
    std::ofstream{opts.http.port_file} << port << '\n';
  api.set_ready(true);
  spdlog::info("doorbuster listening on {}:{} ({} io threads, {} shards, "
               "{} catalog actors, {} products loaded, boot generation {})",
               opts.http.address, port, opts.http.threads,
               opts.products.shards, opts.catalog.workers, products,
               generation);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {} received, stopping", sig);
  api.set_ready(false);
  server.stop();
  inv.stop();
  sys.await_all_actors_done();
  return EXIT_SUCCESS;
}

} // namespace

int main(int argc, char** argv) {
  // CAF's --help lists only its global options; ours live in groups, which
  // its --long-help lists.
  std::vector<std::string> args(argv + 1, argv + argc);
  for (auto& arg : args)
    if (arg == "--help" || arg == "-h" || arg == "-?")
      arg = "--long-help";
  config::node_config cfg;
  if (auto err = cfg.parse(std::move(args), DOORBUSTER_DEFAULT_CONFIG)) {
    std::cerr << "doorbuster: " << cfg.render(err) << "\n";
    return EXIT_FAILURE;
  }
  if (cfg.cli_helptext_printed)
    return EXIT_SUCCESS;
  try {
    return run(cfg);
  } catch (const std::exception& ex) {
    spdlog::critical("doorbuster: {}", ex.what());
    return EXIT_FAILURE;
  }
}
