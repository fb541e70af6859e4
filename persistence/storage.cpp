#include "persistence/storage.hpp"

#include "persistence/journal_actor.hpp"
#include "persistence/journal_files.hpp"
#include "persistence/pg_committer.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/snapshot.hpp"
#include "persistence/writebehind_actor.hpp"
#include "telemetry/prometheus_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <pqxx/except>
#include <spdlog/spdlog.h>

#include <sys/statvfs.h>

#include <filesystem>

namespace doorbuster::persistence {

namespace fs = std::filesystem;

struct storage::impl {
  config::persistence_options opts;
  status stat;
  journal_actor journal;
  writebehind_actor writebehind;
  std::vector<domain::stored_product> recovered;
  std::map<uint64_t, domain::sold_checkout> checkouts;
  size_t replayed = 0;
  double seconds = 0;
  uint64_t max_order_id = 0;
  bool clustered = false;

  std::string journal_dir() const {
    return (fs::path{opts.data_dir} / "journal").string();
  }
  std::string snapshot_dir() const {
    return (fs::path{opts.data_dir} / "snapshots").string();
  }
};

storage::storage(caf::actor_system& sys,
                 const config::persistence_options& opts,
                 size_t keys_per_product)
  : impl_(std::make_unique<impl>()) {
  auto& d = *impl_;
  d.opts = opts;
  auto started = std::chrono::steady_clock::now();
  recovered_state state{keys_per_product};
  uint64_t base = 0;
  if (!opts.pg_uri.empty()) {
    std::unique_ptr<pg_store> connected;
    try {
      connected = std::make_unique<pg_store>(opts.pg_uri, opts.node_id);
    } catch (const pqxx::broken_connection& ex) {
      throw store_unreachable(ex.what());
    }
    auto& store = *connected;
    spdlog::info("postgres: connected as {}", store.describe());
    store.migrate();
    base = store.load(state, keys_per_product);
    d.max_order_id = store.max_order_id();
  } else {
    base = read_latest_snapshot(d.snapshot_dir(), state);
  }
  // Replay what the base has not seen. Records at or below it may still be
  // on disk (not yet deleted); the scan checks that none above it is gone.
  auto scan = scan_journal(d.journal_dir(), base, opts.repair,
                           [&](journal_record& rec) {
                             if (rec.seq <= base)
                               return;
                             if (auto* o = std::get_if<domain::order>(
                                   &rec.entry))
                               d.max_order_id = std::max(d.max_order_id,
                                                         o->order_id);
                             if (auto* c = std::get_if<domain::checkout_decision>(
                                   &rec.entry))
                               for (const auto& line : c->lines)
                                 d.max_order_id = std::max(d.max_order_id,
                                                           line.order_id);
                             state.apply(rec);
                             ++d.replayed;
                           });
  auto last = std::max(scan.last_seq, base);
  // A journal-only node keeps this state for its snapshots: packed, but
  // for the products the newest records touch.
  d.recovered = state.take_products(opts.pg_uri.empty());
  constexpr size_t unpacked_for_snapshots = 4096;
  state.unpack_at_most(unpacked_for_snapshots);
  d.checkouts = state.checkouts();
  d.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                            - started)
                .count();
  spdlog::info("recovery: {} products from {}, {} journal records replayed "
               "in {:.3f} s, next record {}",
               d.recovered.size(),
               opts.pg_uri.empty() ? "snapshot" : "postgres", d.replayed,
               d.seconds, last + 1);

  std::unique_ptr<writebehind_sink> sink;
  uint64_t consume_after = base;
  if (!opts.pg_uri.empty()) {
    sink = std::make_unique<pg_sink>(opts.pg_uri, opts.node_id, base);
  } else {
    // The snapshot sink continues from the state just recovered.
    sink = std::make_unique<snapshot_sink>(
      d.snapshot_dir(), std::move(state),
      std::chrono::milliseconds{opts.snapshot_interval_ms});
    consume_after = last;
  }
  d.stat.durable_seq = last;
  d.writebehind = spawn_writebehind(sys, d.journal_dir(), opts,
                                    std::move(sink), consume_after, &d.stat);
  d.journal = spawn_journal(sys, d.journal_dir(), opts, last + 1,
                            d.writebehind, &d.stat);
}

namespace {

/// A cluster node's answer to operators who flush or snapshot: everything
/// acknowledged is in PostgreSQL already.
caf::behavior committed_behavior(caf::event_based_actor*, status* stat) {
  return {
    [](nudge_atom) {},
    [stat](flush_atom) {
      return caf::make_message(std::string{}, stat->applied_seq.load());
    },
    [](snap_atom) {
      return caf::make_message(
        std::string{"cluster nodes commit every write to PostgreSQL; they "
                    "keep no snapshots"},
        uint64_t{0});
    },
    [](stop_atom, uint64_t) {},
  };
}

} // namespace

storage::storage(caf::actor_system& sys,
                 const config::persistence_options& opts,
                 lease_holder_source holder, size_t shards)
  : impl_(std::make_unique<impl>()) {
  auto& d = *impl_;
  d.opts = opts;
  d.clustered = true;
  d.journal = spawn_pg_committer(sys, opts.pg_uri, std::move(holder), shards,
                                 opts, &d.stat);
  d.writebehind = caf::actor_cast<writebehind_actor>(
    sys.spawn(committed_behavior, &d.stat));
}

storage::~storage() = default;

std::vector<domain::stored_product> storage::take_recovered() {
  return std::move(impl_->recovered);
}

std::map<uint64_t, domain::sold_checkout> storage::take_checkouts() {
  return std::move(impl_->checkouts);
}

size_t storage::replayed() const {
  return impl_->replayed;
}

double storage::recovery_seconds() const {
  return impl_->seconds;
}

uint64_t storage::max_order_id() const {
  return impl_->max_order_id;
}

bool storage::uses_postgres() const {
  return !impl_->opts.pg_uri.empty();
}

bool storage::clustered() const {
  return impl_->clustered;
}

const journal_actor& storage::journal() const {
  return impl_->journal;
}

const writebehind_actor& storage::writebehind() const {
  return impl_->writebehind;
}

const status& storage::stat() const {
  return impl_->stat;
}

std::string storage::metrics() const {
  auto out = impl_->stat.metrics();
  struct statvfs fs {};
  if (impl_->clustered || statvfs(impl_->opts.data_dir.c_str(), &fs) != 0)
    return out;
  telemetry::prometheus_text disk;
  disk.single("doorbuster_data_disk_free_bytes", "gauge",
              "Space left to the node on the data directory's file system.",
              static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize);
  disk.single("doorbuster_data_disk_size_bytes", "gauge",
              "Size of the data directory's file system.",
              static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize);
  return out + disk.str();
}

void storage::stop(std::chrono::milliseconds deadline) {
  auto& d = *impl_;
  if (!d.journal)
    return;
  // Shutdown only: wait for each actor to finish its last work.
  caf::scoped_actor self{d.journal->home_system()};
  self->monitor(d.journal);
  self->send(d.journal, stop_atom::value);
  self->receive([](const caf::down_msg&) {});
  if (d.clustered) {
    caf::anon_send_exit(d.writebehind, caf::exit_reason::user_shutdown);
  } else {
    self->monitor(d.writebehind);
    self->send(d.writebehind, stop_atom::value,
               static_cast<uint64_t>(deadline.count()));
    self->receive([](const caf::down_msg&) {});
  }
  d.journal = nullptr;
  d.writebehind = nullptr;
}

} // namespace doorbuster::persistence
