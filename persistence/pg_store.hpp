// Doorbuster's tables in PostgreSQL (libpqxx): migrations at start, the
// start-up load, and batched write-behind of journal records. Blocking:
// used only by the write-behind actor's own thread and at start-up.
#pragma once

#include "persistence/journal_record.hpp"
#include "persistence/recovered_state.hpp"

#include "domain/change.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace doorbuster::persistence {

/// Which SKUs a load keeps.
using sku_filter = std::function<bool(const std::string& sku)>;

/// A change made under a shard's lease: `fence` is the lease's epoch when
/// it was made (0: not fenced, such as a checkout's decision).
struct fenced_change {
  domain::change entry;
  uint32_t shard = 0;
  uint64_t fence = 0;
};

/// Who holds leases: a node and its current generation.
struct lease_holder {
  std::string node_id;
  uint64_t generation = 0;
};

/// The holder as of now: a node that rejoins its cluster holds its leases
/// under a new generation. Thread-safe.
using lease_holder_source = std::function<lease_holder()>;

class pg_store {
public:
  /// Connects; throws pqxx::broken_connection when it cannot.
  pg_store(const std::string& uri, std::string node_id);
  ~pg_store();

  /// "user@host:port/db", for logs (never the password).
  std::string describe() const;

  /// Applies the migrations newer than the schema_version table says.
  void migrate();

  /// Loads every product and, per product, the newest idempotent orders;
  /// returns this node's watermark (the last journal record applied).
  uint64_t load(recovered_state& state, size_t keys_per_product);

  /// Loads the products `keep` accepts, with their idempotent orders,
  /// holds and customers' units: the shards a node just took.
  std::vector<domain::stored_product> load_shards(const sku_filter& keep,
                                                  size_t keys_per_product);

  /// Whether any product is stored.
  bool has_products();

  /// Every product's state, for a node's catalog.
  std::vector<domain::product_state> load_catalog();

  /// In one transaction, commits the changes whose lease (shard, fence) the
  /// holder still holds, with those lease rows locked; returns, per change,
  /// whether it was committed. Throws when PostgreSQL cannot be used
  /// (then nothing was committed).
  std::vector<bool> apply_fenced(const std::vector<fenced_change>& batch,
                                 const lease_holder& holder);

  /// The highest order id ever written (0 if none).
  uint64_t max_order_id();

  /// Applies `batch` (in sequence order) and moves the watermark to its last
  /// record, in one transaction. Re-applying a record changes nothing.
  void apply(const std::vector<journal_record>& batch);

private:
  struct connection; // keeps libpqxx out of this header
  std::unique_ptr<connection> conn_;
  std::string node_id_;
};

} // namespace doorbuster::persistence
