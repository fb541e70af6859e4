#include "support/pg_database.hpp"

#include <pqxx/pqxx>

#include <fstream>
#include <random>
#include <stdexcept>

namespace doorbuster::testing {

std::string cluster_uri(const std::string& state_file) {
  std::ifstream in{state_file};
  std::string dir, port, uri;
  if (!(in >> dir >> port >> uri))
    throw std::runtime_error("no PostgreSQL test cluster described in "
                             + state_file);
  return uri;
}

std::string shared_cluster_uri() {
  return cluster_uri(DOORBUSTER_TEST_PG_STATE);
}

pg_database::pg_database(const std::string& cluster)
  : admin_uri_(cluster) {
  std::random_device rd;
  name_ = "doorbuster_test_" + std::to_string(rd()) + std::to_string(rd());
  pqxx::connection conn{admin_uri_};
  pqxx::nontransaction tx{conn};
  tx.exec("CREATE DATABASE " + name_);
  uri_ = admin_uri_.substr(0, admin_uri_.rfind('/') + 1) + name_;
}

pg_database::~pg_database() {
  try {
    pqxx::connection conn{admin_uri_};
    pqxx::nontransaction tx{conn};
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster may be gone already (outage tests stop their own).
  }
}

int64_t pg_database::scalar(const std::string& sql) const {
  pqxx::connection conn{uri_};
  pqxx::nontransaction tx{conn};
  auto row = tx.exec1(sql);
  return row[0].is_null() ? 0 : row[0].as<int64_t>();
}

} // namespace doorbuster::testing
