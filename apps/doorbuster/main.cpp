// The Doorbuster node: parses the configuration, recovers the stored state,
// starts the actors, serves HTTP until SIGINT or SIGTERM, then stops in
// reverse order: stop accepting, drain requests, stop the product actors,
// commit the journal, write the backlog behind.
#include "actors/admin_actor.hpp"
#include "actors/inventory.hpp"
#include "config/node_config.hpp"
#include "http/admin_auth.hpp"
#include "http/api.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "persistence/boot_generation.hpp"
#include "persistence/demo_catalog.hpp"
#include "persistence/storage.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <string>
#include <thread>
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

persistence::storage_options storage_options(const config::options& opts) {
  auto s = opts.persistence;
  if (const char* env = std::getenv("DOORBUSTER_PG_URI"); env && *env)
    s.pg_uri = env;
  s.keys_per_product = opts.products.idempotency_keys;
  return s;
}

/// Start-up only: the main thread is neither an io nor a scheduler thread,
/// so it may wait for the actors here.
template <class T, class Call>
T wait_for(Call call) {
  std::promise<T> done;
  call([&done](T value) { done.set_value(std::move(value)); });
  return done.get_future().get();
}

size_t load_demo_catalog(actors::inventory& inv,
                         const config::demo_options& demo) {
  auto entries = persistence::make_demo_catalog(
    {demo.products, demo.categories, demo.seed});
  return wait_for<std::vector<actors::write_result>>([&](auto reply) {
           inv.put_many(std::move(entries), std::move(reply));
         })
    .size();
}

std::string persistence_details(const persistence::storage& store) {
  const auto& st = store.stat();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("mode");
  w.String(store.uses_postgres() ? "postgres" : "journal");
  w.Key("durable_seq");
  w.Uint64(st.durable_seq);
  w.Key("applied_seq");
  w.Uint64(st.applied_seq);
  w.Key("lag_records");
  w.Uint64(st.lag_records());
  w.Key("lag_seconds");
  w.Double(st.lag_seconds());
  w.Key("sink_up");
  w.Bool(st.sink_up);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

/// Requests answered per second between two `status` calls (the first:
/// since start). Only the admin actor calls it, one call at a time.
struct request_rate {
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now();
  uint64_t answered = 0;

  double sample(uint64_t now_answered) {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - at).count();
    double rate = seconds > 0 ? (now_answered - answered) / seconds : 0;
    at = now;
    answered = now_answered;
    return rate;
  }
};

/// What `status` shows of the node beyond its actors.
std::string node_details(const config::options& opts,
                         const persistence::storage& store,
                         const http::api& api, request_rate& rate) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("node_id");
  w.String(opts.persistence.node_id.c_str());
  w.Key("connections");
  w.Int64(http::metrics::open_connections);
  w.Key("requests_in_flight");
  w.Int64(http::metrics::requests_in_flight);
  auto answered = http::metrics::requests_answered();
  w.Key("requests_answered");
  w.Uint64(answered);
  w.Key("requests_per_s");
  w.Double(rate.sample(answered));
  w.Key("draining");
  w.Bool(api.draining());
  w.Key("persistence");
  auto details = persistence_details(store);
  w.RawValue(details.c_str(), details.size(), rapidjson::kObjectType);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
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

  caf::actor_system sys{cfg};
  persistence::storage store{sys, storage_options(opts)};
  auto generation = persistence::next_boot_generation(
    opts.persistence.data_dir,
    static_cast<uint32_t>(store.max_order_id() >> 32) + 1);
  actors::inventory_options inv_opts;
  inv_opts.shards = opts.products.shards;
  inv_opts.catalog_workers = opts.catalog.workers;
  inv_opts.idempotency_keys = opts.products.idempotency_keys;
  inv_opts.generation = generation;
  inv_opts.max_mailbox = opts.products.max_mailbox;
  inv_opts.checkouts = opts.checkout.coordinators;
  inv_opts.max_ttl_ms = opts.checkout.max_ttl_s * 1000;
  inv_opts.order_hold_ms = opts.checkout.order_hold_s * 1000;
  actors::inventory inv{sys, store.journal(), inv_opts};
  auto recovered = wait_for<size_t>([&](auto reply) {
    inv.restore(store.take_recovered(), std::move(reply));
  });
  inv.restore_checkouts(store.take_checkouts());
  size_t demo = 0;
  if (recovered == 0 && opts.demo.products > 0)
    demo = load_demo_catalog(inv, opts.demo);

  http::api_options api_opts;
  api_opts.admin_token = admin_token(opts);
  api_opts.max_quantity = opts.products.max_quantity;
  api_opts.checkout.max_items = opts.checkout.max_items;
  api_opts.checkout.default_ttl_s = opts.checkout.default_ttl_s;
  api_opts.checkout.max_ttl_s = opts.checkout.max_ttl_s;
  api_opts.max_body_bytes = opts.http.max_body_bytes;
  api_opts.max_bulk_body_bytes = opts.http.max_bulk_body_bytes;
  api_opts.cache_max_age_s = opts.http.cache_max_age_s;
  api_opts.write_rate_per_s = opts.limits.write_rate_per_min / 60.0;
  api_opts.write_burst = opts.limits.write_burst;
  api_opts.read_rate_per_s = opts.limits.read_rate_per_s;
  api_opts.read_burst = opts.limits.read_burst;
  api_opts.max_clients = opts.limits.max_clients;
  api_opts.access_log = opts.log.access;
  const auto max_lag = static_cast<double>(opts.persistence.max_ready_lag_s);
  api_opts.not_ready_reasons = [&store, max_lag] {
    std::vector<std::string> reasons;
    auto lag = store.stat().lag_seconds();
    if (lag > max_lag)
      reasons.push_back("write-behind is " + std::to_string(lag)
                        + " s behind (limit "
                        + std::to_string(static_cast<int>(max_lag)) + " s)");
    return reasons;
  };
  api_opts.readiness_details = [&store] { return persistence_details(store); };
  actors::admin_stats admin_counts;
  api_opts.extra_metrics = [&store, &inv, &admin_counts] {
    return inv.metrics() + store.stat().metrics()
           + actors::admin_metrics(admin_counts);
  };
  actors::admin_desk desk;
  http::api api{inv, desk, api_opts};

  // The admin actor, for doorbuster-console, on its own (loopback) port.
  http::admin_auth console_auth{api_opts.admin_token};
  actors::admin_hooks hooks;
  hooks.token_ok = [&console_auth](const std::string& token) {
    return console_auth.allows_token(token);
  };
  request_rate rate;
  hooks.node_status = [&opts, &store, &api, &rate] {
    return node_details(opts, store, api, rate);
  };
  hooks.set_draining = [&api](bool on) { api.set_draining(on); };
  hooks.flush = [&store](actors::admin_hooks::done_fn done) {
    store.flush(std::move(done));
  };
  hooks.snapshot = [&store](actors::admin_hooks::done_fn done) {
    store.snapshot(std::move(done));
  };
  auto admin = actors::spawn_admin_actor(sys, inv, hooks, admin_counts);
  desk.bind(admin);
  auto admin_port = sys.middleman().publish(admin, opts.admin.port,
                                            opts.admin.address.c_str(), true);
  if (!admin_port)
    throw std::runtime_error("cannot publish the admin actor on "
                             + opts.admin.address + ":"
                             + std::to_string(opts.admin.port) + ": "
                             + sys.render(admin_port.error()));
  if (!opts.admin.port_file.empty())
    std::ofstream{opts.admin.port_file} << *admin_port << '\n';
  http::server server{{opts.http.address, opts.http.port, opts.http.threads,
                       opts.http.max_connections, opts.http.max_header_bytes,
                       opts.http.idle_timeout_ms, opts.http.request_timeout_ms},
                      api};
  auto port = server.start();
  if (!opts.http.port_file.empty())
    std::ofstream{opts.http.port_file} << port << '\n';
  api.start();
  spdlog::info("doorbuster listening on {}:{} ({} io threads, {} shards, "
               "{} catalog actors, {} products recovered, {} demo products, "
               "{} storage, boot generation {}); admin actor on {}:{}",
               opts.http.address, port, opts.http.threads,
               opts.products.shards, opts.catalog.workers, recovered, demo,
               store.uses_postgres() ? "postgres" : "journal-only",
               generation, opts.admin.address, *admin_port);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {} received, stopping", sig);
  api.stopping();
  server.stop_accepting();
  auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (http::metrics::requests_in_flight > 0
         && std::chrono::steady_clock::now() < drain_until)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  caf::anon_send_exit(admin, caf::exit_reason::user_shutdown);
  sys.middleman().unpublish(admin, *admin_port);
  inv.stop();
  store.stop(std::chrono::milliseconds{opts.persistence.shutdown_flush_ms});
  server.stop();
  sys.await_all_actors_done();
  spdlog::info("stopped");
  return EXIT_SUCCESS;
}

} // namespace

int main(int argc, char** argv) {
  // Logs go to stderr; stdout stays free for --help and --dump-config.
  spdlog::set_default_logger(spdlog::stderr_color_mt("doorbuster"));
  // CAF's --help lists only its global options; ours live in groups, which
  // its --long-help lists.
  std::vector<std::string> args(argv + 1, argv + argc);
  for (auto& arg : args)
    if (arg == "--help" || arg == "-h" || arg == "-?")
      arg = "--long-help";
  config::node_config cfg;
  cfg.load<caf::io::middleman>();
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
