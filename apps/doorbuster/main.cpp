// The Doorbuster node: parses the configuration, recovers the stored state,
// starts the actors, serves HTTP until SIGINT or SIGTERM, then stops in
// reverse order: stop accepting, drain requests, stop the product actors,
// commit the journal, write the backlog behind.
#include "actors/admin_actor.hpp"
#include "actors/inventory.hpp"
#include "cluster/node.hpp"
#include "config/node_config.hpp"
#include "config/tls_identity.hpp"
#include "config/version.hpp"
#include "http/actor_bridge.hpp"
#include "http/admin_auth.hpp"
#include "http/api.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "persistence/boot_generation.hpp"
#include "persistence/pg_uri.hpp"
#include "persistence/demo_catalog.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/storage.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/send.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <jemalloc/jemalloc.h>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifndef DOORBUSTER_DEFAULT_CONFIG
#define DOORBUSTER_DEFAULT_CONFIG "config/doorbuster.conf"
#endif

namespace {

/// Runs `stop` if left by an exception.
class stop_on_throw {
public:
  explicit stop_on_throw(std::function<void()> stop) : stop_(std::move(stop)) {}
  stop_on_throw(const stop_on_throw&) = delete;
  stop_on_throw& operator=(const stop_on_throw&) = delete;
  ~stop_on_throw() {
    if (std::uncaught_exceptions() > pending_)
      stop_();
  }

private:
  std::function<void()> stop_;
  int pending_ = std::uncaught_exceptions();
};

using namespace doorbuster;

/// Raises the soft limit of open files to the hard one, and warns when
/// http.max-connections does not fit under it: past it accepts fail (and
/// pause) before the connection limit's clean 503 is reached.
void raise_open_files_limit(const config::options& opts) {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0)
    return;
  if (files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    getrlimit(RLIMIT_NOFILE, &files);
  }
  // Journal segments, PostgreSQL, the admin port, CAF: a few dozen.
  constexpr rlim_t reserve = 128;
  if (opts.http.max_connections + reserve > files.rlim_cur)
    spdlog::warn("http.max-connections is {} but this process may open only "
                 "{} files (ulimit -n, LimitNOFILE): beyond about {} "
                 "connections new ones wait in the listen backlog instead of "
                 "getting 503; raise the limit or lower http.max-connections",
                 opts.http.max_connections, files.rlim_cur,
                 files.rlim_cur > reserve ? files.rlim_cur - reserve : 0);
}

/// The configured admin token, else a fresh one for this run.
std::string admin_token(const config::options& opts) {
  if (!opts.admin.token.empty())
    return opts.admin.token;
  auto token = http::generate_admin_token();
  spdlog::warn("no admin token configured; generated one for this run: {}",
               token);
  return token;
}

std::string persistence_details(const persistence::storage& store) {
  const auto& st = store.stat();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("mode");
  w.String(store.clustered()       ? "cluster"
           : store.uses_postgres() ? "postgres"
                                   : "journal");
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

/// The identity the admin and cluster ports authenticate with: a lone node
/// makes its own at first start; cluster nodes must share one.
config::tls_identity tls_identity_for(const config::options& opts) {
  auto id = config::tls_identity_in(opts.tls.dir);
  if (config::tls_identity_exists(id))
    return id;
  if (opts.cluster.enabled)
    throw std::runtime_error(
      "no TLS identity in " + opts.tls.dir
      + " (node.pem, node.key): cluster nodes must trust each other; make "
        "one with `doorbuster --generate-tls=DIR`, copy DIR to every node "
        "and point tls.dir at it");
  id = config::generate_tls_identity(opts.tls.dir);
  spdlog::info("tls: made a TLS identity for the admin port in {}; the "
               "console uses it with --tls-dir={}",
               opts.tls.dir, opts.tls.dir);
  return id;
}

int run(config::node_config& cfg) {
  if (!cfg.generate_tls.empty()) {
    auto id = config::generate_tls_identity(cfg.generate_tls);
    std::cout << "wrote " << id.certificate << " and " << id.key << "\n";
    return EXIT_SUCCESS;
  }
  if (auto problem = cfg.finish(); !problem.empty()) {
    std::cerr << "doorbuster: " << problem << "\n";
    return EXIT_FAILURE;
  }
  auto& opts = cfg.opts;
  spdlog::set_level(spdlog::level::from_str(opts.log.level));
  config::use_tls_identity(cfg, tls_identity_for(opts));
  raise_open_files_limit(opts);
  opts.admin.token = admin_token(opts);
  // Signals are taken by sigwait below; block them before any thread starts
  // so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  caf::actor_system sys{cfg};
  // A cluster node joins first: its generation (the high half of its ids)
  // comes from PostgreSQL, and its records commit there, fenced by its
  // leases. A lone node recovers from its journal (and PostgreSQL).
  std::unique_ptr<cluster::node> member;
  std::unique_ptr<persistence::storage> store_ptr;
  std::unique_ptr<actors::inventory> inv_ptr;
  actors::admin_actor admin;
  // Start-up may still fail (a port in use, a restore cut short): then the
  // actors started so far are stopped, or the actor system would wait for
  // them forever, and the node would hang, deaf to SIGTERM (blocked above),
  // instead of exiting with the error.
  stop_on_throw stop_started{[&] {
    if (admin)
      caf::anon_send_exit(admin, caf::exit_reason::user_shutdown);
    if (member)
      member->stop();
    if (inv_ptr)
      inv_ptr->stop();
    if (store_ptr)
      store_ptr->stop(
        std::chrono::milliseconds{opts.persistence.shutdown_flush_ms});
  }};
  uint32_t generation = 0;
  size_t recovered = 0, demo = 0;
  bool demo_wanted = false;
  if (opts.cluster.enabled) {
    // Every connection of a cluster node fails fast when PostgreSQL is
    // lost, within its lease's time (pg_uri.hpp).
    opts.persistence.pg_uri = persistence::cluster_connection(
      opts.persistence.pg_uri, opts.cluster.lease_ttl_ms);
    uint64_t floor = 1;
    bool empty_catalog = false;
    {
      persistence::pg_store pg{opts.persistence.pg_uri,
                               opts.persistence.node_id};
      spdlog::info("postgres: connected as {}", pg.describe());
      pg.migrate();
      floor = (pg.max_order_id() >> 32) + 1;
      empty_catalog = !pg.has_products();
    }
    // The first node of an empty cluster brings the demo catalog; it is
    // put through the shards once they are served (after start below).
    demo_wanted = empty_catalog && opts.demo.products > 0;
    member = std::make_unique<cluster::node>(sys, opts, floor);
    generation = member->generation();
    store_ptr = std::make_unique<persistence::storage>(
      sys, opts.persistence, member->holder(), opts.products.shards);
    inv_ptr = std::make_unique<actors::inventory>(
      sys, store_ptr->journal(), opts, generation,
      caf::actor_cast<actors::catalog_sink>(member->catalog_push()),
      member->coordinator());
  } else {
    // PostgreSQL down at start: wait for it (SIGTERM still stops). The
    // journal alone cannot serve: what PostgreSQL holds is dropped from it.
    for (std::chrono::milliseconds wait{500}; !store_ptr;
         wait = std::min(wait * 2, std::chrono::milliseconds{10000})) {
      try {
        store_ptr = std::make_unique<persistence::storage>(
          sys, opts.persistence, opts.products.idempotency_keys);
      } catch (const persistence::store_unreachable& ex) {
        spdlog::error("postgres: unreachable at start, retrying in {} ms "
                      "(the journal alone does not hold what was written "
                      "behind): {}",
                      wait.count(), ex.what());
        auto s = std::chrono::duration_cast<std::chrono::seconds>(wait);
        timespec pause{static_cast<time_t>(s.count()),
                       static_cast<long>((wait - s).count() * 1000000)};
        if (sigtimedwait(&stop_signals, nullptr, &pause) > 0) {
          spdlog::info("stopped while waiting for PostgreSQL");
          return EXIT_SUCCESS;
        }
      }
    }
    generation = persistence::next_boot_generation(
      opts.persistence.data_dir,
      static_cast<uint32_t>(store_ptr->max_order_id() >> 32) + 1);
    inv_ptr = std::make_unique<actors::inventory>(sys, store_ptr->journal(),
                                                  opts, generation);
    recovered = inv_ptr->restore(store_ptr->take_recovered(),
                                 store_ptr->take_checkouts());
    if (recovered == 0 && opts.demo.products > 0)
      demo = inv_ptr->put_all(persistence::make_demo_catalog(opts.demo)).size();
  }
  // Start-up held every product decoded once more, for a moment (half a
  // gigabyte at a million): jemalloc hands those pages back now, not over
  // the next ten seconds of its decay.
  static_assert(MALLCTL_ARENAS_ALL == 4096);
  mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
  auto& store = *store_ptr;
  auto& inv = *inv_ptr;

  http::api_hooks hooks;
  const auto max_lag = static_cast<double>(opts.persistence.max_ready_lag_s);
  hooks.not_ready_reasons = [&store, max_lag, &member] {
    std::vector<std::string> reasons;
    if (member)
      if (auto reason = member->not_ready_reason(); !reason.empty())
        reasons.push_back(std::move(reason));
    if (store.stat().storage_full)
      reasons.push_back("the disk is full: writes are refused until space "
                        "returns");
    auto lag = store.stat().lag_seconds();
    if (lag > max_lag)
      reasons.push_back("write-behind is " + std::to_string(lag)
                        + " s behind (limit "
                        + std::to_string(static_cast<int>(max_lag)) + " s)");
    return reasons;
  };
  hooks.readiness_details = [&store, &member] {
    std::vector<std::pair<std::string, std::string>> sections{
      {"persistence", persistence_details(store)}};
    if (member)
      sections.emplace_back("cluster", member->status_json());
    return sections;
  };
  hooks.storage_full = [&store] { return store.stat().storage_full.load(); };
  actors::admin_stats admin_counts;
  hooks.extra_metrics = [&store, &inv, &admin_counts, &member] {
    return inv.metrics() + store.metrics()
           + actors::admin_metrics(admin_counts)
           + (member ? member->metrics() : std::string{});
  };

  // The HTTP api and the admin actor show each other's state: the api is
  // built first, the admin actor's hooks reach it by reference.
  http::actor_bridge bridge{sys, opts.http.threads};
  http::admin_auth console_auth{opts.admin.token};
  request_rate rate;
  std::unique_ptr<http::api> api;
  actors::admin_deps admin_deps{
    &inv,
    store.writebehind(),
    [&console_auth](const std::string& token) {
      return console_auth.allows_token(token);
    },
    [&opts, &store, &api, &rate] {
      return node_details(opts, store, *api, rate);
    },
    [&api, &member](bool on) {
      api->set_draining(on);
      if (member) { // hands every shard over to other nodes, or takes again
        if (on)
          member->drain_async();
        else
          member->undrain();
      }
    },
    member ? std::function<std::string()>{[&member] {
      return member->status_json();
    }}
           : std::function<std::string()>{},
    &admin_counts};
  admin = actors::spawn_admin_actor(sys, std::move(admin_deps));
  api = std::make_unique<http::api>(inv, admin, bridge, opts,
                                    std::move(hooks));
  // The admin actor's port, for doorbuster-console (loopback by default;
  // mutual TLS, so only holders of a trusted certificate reach CAF).
  auto admin_port = caf::openssl::publish(admin, opts.admin.port,
                                          opts.admin.address.c_str(), true);
  if (!admin_port)
    throw std::runtime_error("cannot publish the admin actor on "
                             + opts.admin.address + ":"
                             + std::to_string(opts.admin.port) + ": "
                             + sys.render(admin_port.error()));
  if (!opts.admin.port_file.empty())
    std::ofstream{opts.admin.port_file} << *admin_port << '\n';
  http::server server{opts.http, *api};
  auto port = server.start();
  if (!opts.http.port_file.empty())
    std::ofstream{opts.http.port_file} << port << '\n';
  api->start();
  if (member) {
    member->start(inv, opts.http.address + ":" + std::to_string(port));
    if (demo_wanted)
      demo = inv.put_all(persistence::make_demo_catalog(opts.demo)).size();
  }
  spdlog::info("doorbuster listening on {}:{} ({} io threads, {} shards, "
               "{} catalog actors, {} products recovered, {} demo products, "
               "{} storage, boot generation {}); admin actor on {}:{}",
               opts.http.address, port, opts.http.threads,
               opts.products.shards, opts.catalog.workers, recovered, demo,
               member               ? "cluster (PostgreSQL, fenced)"
               : store.uses_postgres() ? "postgres"
                                       : "journal-only",
               generation, opts.admin.address, *admin_port);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {} received, stopping", sig);
  if (member) {
    // Other nodes take this node's shards over while it still forwards
    // requests to them.
    auto handed = member->drain(std::chrono::milliseconds{
      opts.persistence.shutdown_flush_ms});
    spdlog::info("cluster: {}", handed ? "every shard handed over"
                                       : "stopping with shards not handed "
                                         "over; their leases expire");
  }
  api->stopping();
  server.stop_accepting();
  auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (http::metrics::requests_in_flight > 0
         && std::chrono::steady_clock::now() < drain_until)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  caf::anon_send_exit(admin, caf::exit_reason::user_shutdown);
  sys.middleman().unpublish(admin, *admin_port);
  server.stop(); // joins the io threads, which run the edge actors
  bridge.stop();
  if (member)
    member->stop();
  inv.stop();
  store.stop(std::chrono::milliseconds{opts.persistence.shutdown_flush_ms});
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
  for (auto& arg : args) {
    if (arg == "--help" || arg == "-h" || arg == "-?")
      arg = "--long-help";
    if (arg == "--version") {
      std::cout << "doorbuster " << config::version() << " (commit "
                << config::commit() << ")\n";
      return EXIT_SUCCESS;
    }
  }
  config::node_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.load<caf::openssl::manager>();
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
