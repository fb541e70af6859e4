// A PostgreSQL database of its own for one test, on the cluster that the
// CTest fixture started (tests/support/pg_cluster), dropped afterwards.
#pragma once

#include <cstdint>
#include <string>

namespace doorbuster::testing {

/// The connection URI of a cluster described by a pg_cluster state file.
std::string cluster_uri(const std::string& state_file);

/// The URI of the fixture's cluster (its state file is compiled in).
std::string shared_cluster_uri();

class pg_database {
public:
  explicit pg_database(const std::string& cluster_uri);
  ~pg_database();

  const std::string& uri() const { return uri_; }

  /// Runs a query returning one integer (NULL reads as 0).
  int64_t scalar(const std::string& sql) const;

private:
  std::string admin_uri_;
  std::string name_;
  std::string uri_;
};

} // namespace doorbuster::testing
