// Doorbuster's tables in PostgreSQL (libpqxx): migrations at start, the
// start-up load, and batched write-behind of journal records. Blocking:
// used only by the write-behind actor's own thread and at start-up.
#pragma once

#include "persistence/journal_record.hpp"
#include "persistence/recovered_state.hpp"

#include <memory>
#include <string>
#include <vector>

namespace doorbuster::persistence {

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
