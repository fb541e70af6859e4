#include "actors/admin_commands.hpp"

#include "actors/detail/admin_call.hpp"

namespace doorbuster::actors {

const std::vector<admin_command>& admin_commands() {
  using namespace admin_handlers;
  static const std::vector<admin_command> all{
    {"status", 0, 0, "status",
     "node, uptime, products, shards, connections, requests, journal and "
     "write-behind lag",
     false, status},
    {"cluster", 0, 0, "cluster",
     "the cluster: this node's shards and peers, every node with its "
     "status, generation and shard count",
     false, cluster},
    {"shards", 0, 0, "shards",
     "per shard: products, active actors, queued requests, deepest mailbox",
     false, shards},
    {"top", 0, 1, "top [count]",
     "the hottest SKUs by request rate and mailbox depth; live, q quits",
     false, top},
    {"product", 1, 1, "product <sku>",
     "the product actor's state: stock, reserved, limits, sale window, "
     "version, holds, orders since start",
     true, product},
    {"skus", 0, 1, "skus [prefix]",
     "up to 100 SKUs starting with the prefix, in order", false, skus},
    {"set-stock", 2, 2, "set-stock <sku> <units>", "set the stock on hand",
     true, change_product},
    {"adjust-stock", 2, 2, "adjust-stock <sku> <+/-units>",
     "change the stock by a delta", true, change_product},
    {"set-price", 2, 2, "set-price <sku> <minor units>",
     "set the price (cents for USD)", true, change_product},
    {"pause", 1, 1, "pause <sku>",
     "stop purchases, reservations and confirms of the SKU", true, change_product},
    {"resume", 1, 1, "resume <sku>", "undo pause", true, change_product},
    {"sale-window", 3, 3,
     "sale-window <sku> <start|none> <end|none>",
     "on sale from start to end (UTC, 2026-11-27T08:00:00Z)", true,
     change_product},
    {"flush", 0, 0, "flush",
     "write everything durable behind to the store now, and wait", false,
     flush},
    {"snapshot", 0, 0, "snapshot",
     "journal-only mode: write a snapshot now", false, snapshot},
    {"log-level", 1, 1, "log-level <level>",
     "trace, debug, info, warn, error, critical or off", false, log_level},
    {"drain", 0, 0, "drain",
     "refuse new writes (503 draining) for maintenance; reads go on; in a "
     "cluster, first hand every shard over to the other nodes", false,
     drain},
    {"undrain", 0, 0, "undrain", "admit writes again", false, undrain},
    {"help", 0, 1, "help [command]", "this list, or one command's help",
     false, nullptr},
    {"quit", 0, 0, "quit", "leave the console (also Ctrl-D)", false, nullptr},
  };
  return all;
}

const admin_command* find_admin_command(std::string_view name) {
  for (const auto& c : admin_commands())
    if (name == c.name)
      return &c;
  return nullptr;
}

std::string check_admin_arguments(const admin_command& command,
                                  const std::vector<std::string>& words) {
  auto n = words.size() - 1;
  if (n < command.min_args || n > command.max_args)
    return std::string{"usage: "} + command.usage;
  return {};
}

} // namespace doorbuster::actors
