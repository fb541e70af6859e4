#include "support/cluster_nodes.hpp"

#include "support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace doorbuster::testing {

cluster_nodes::cluster_nodes(std::string pg_uri, size_t n, size_t shards,
                             std::vector<std::string> extra, bool own_uids)
  : pg_uri_(std::move(pg_uri)),
    shards_(shards),
    extra_(std::move(extra)),
    own_uids_(own_uids),
    dir_(make_temp_dir("doorbuster-cluster")) {
  chmod(dir_.c_str(), 0777);
  // The cluster's one TLS identity, made as an operator would.
  std::string output;
  if (run_node_to_exit({"--generate-tls=" + dir_ + "/tls"}, output) != 0)
    throw std::runtime_error("--generate-tls failed: " + output);
  for (size_t i = 0; i < n; ++i)
    add();
}

cluster_nodes::~cluster_nodes() {
  nodes_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

unsigned cluster_nodes::uid(size_t i) const {
  // Unique to this test process: tests run in parallel.
  return 100000 + static_cast<unsigned>(getpid() % 100000) * 8
         + static_cast<unsigned>(i);
}

uint16_t cluster_nodes::cluster_port(size_t i) const {
  std::ifstream in{dir_ + "/cluster-port-" + std::to_string(ids_[i])};
  unsigned port = 0;
  in >> port;
  return static_cast<uint16_t>(port);
}

std::unique_ptr<node_process> cluster_nodes::start(size_t id,
                                                   uint16_t http_port,
                                                   const std::string& failpoint) {
  std::vector<std::string> args{
    "--demo.products=0",
    "--persistence.pg-uri=" + pg_uri_,
    "--cluster.enabled",
    "--cluster.port=0",
    "--cluster.port-file=" + dir_ + "/cluster-port-" + std::to_string(id),
    "--cluster.node-id=n" + std::to_string(id),
    "--cluster.lease-ttl-ms=" + std::to_string(lease_ttl.count()),
    "--products.shards=" + std::to_string(shards_)};
  // Each node gets its own copy of the identity, readable by its user only.
  auto tls = dir_ + "/tls-n" + std::to_string(id);
  if (!std::filesystem::exists(tls)) {
    std::filesystem::create_directories(tls);
    for (const char* file : {"node.pem", "node.key"}) {
      std::filesystem::copy_file(dir_ + "/tls/" + file,
                                 tls + "/" + file);
      if (own_uids_)
        (void)chown((tls + "/" + file).c_str(), uid(id - 1), uid(id - 1));
    }
    if (own_uids_)
      (void)chown(tls.c_str(), uid(id - 1), uid(id - 1));
  }
  args.push_back("--tls.dir=" + tls);
  args.insert(args.end(), extra_.begin(), extra_.end());
  launch_options launch;
  launch.http_port = http_port;
  if (!failpoint.empty())
    launch.env.emplace_back("DOORBUSTER_FAILPOINT", failpoint);
  if (own_uids_)
    launch.uid = uid(id - 1);
  return std::make_unique<node_process>(args, std::string{}, launch);
}

size_t cluster_nodes::add(const std::string& failpoint) {
  ids_.push_back(ids_.size() + 1);
  nodes_.push_back(start(ids_.back(), 0, failpoint));
  return nodes_.size() - 1;
}

void cluster_nodes::restart(size_t i) {
  nodes_[i]->stop();
  revive(i);
}

void cluster_nodes::revive(size_t i) {
  auto port = nodes_[i]->port();
  nodes_[i] = start(ids_[i], port);
}

std::vector<size_t> cluster_nodes::running() const {
  std::vector<size_t> result;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i]->pid() > 0)
      result.push_back(i);
  return result;
}

std::vector<size_t> cluster_nodes::shards_owned() {
  std::vector<size_t> owned(nodes_.size(), 0);
  for (auto i : running()) {
    http_client client{nodes_[i]->port()};
    auto ready = client.get("/readyz").json();
    owned[i] = ready["cluster"]["shards_owned"].get<size_t>();
  }
  return owned;
}

bool cluster_nodes::wait_settled(std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto alive = running();
  while (std::chrono::steady_clock::now() < deadline) {
    size_t owned = 0;
    bool connected = true;
    for (auto i : alive) {
      http_client client{nodes_[i]->port()};
      auto ready = client.get("/readyz").json();
      auto& c = ready["cluster"];
      owned += c["shards_owned"].get<size_t>();
      connected = connected
                  && c["peers_connected"].get<size_t>() + 1 == alive.size();
      // Every node sees every shard owned by a live node.
      size_t seen = 0;
      for (const auto& n : c["nodes"])
        if (n["live"].get<bool>() && n["status"] == "up")
          seen += n["shards"].get<size_t>();
      connected = connected && seen == shards_;
    }
    if (owned == shards_ && connected)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return false;
}

} // namespace doorbuster::testing
