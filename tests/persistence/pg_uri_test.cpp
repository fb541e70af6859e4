#include "persistence/pg_uri.hpp"

#include <gtest/gtest.h>

namespace doorbuster::persistence {
namespace {

TEST(pg_uri, parameters_join_a_uri_percent_encoded) {
  EXPECT_EQ(with_parameters("postgresql://u@h/db", {{"a", "1"}, {"options", "-c x=2"}}),
            "postgresql://u@h/db?a=1&options=-c%20x%3D2");
  EXPECT_EQ(with_parameters("postgres://h/db?sslmode=require", {{"a", "1"}}),
            "postgres://h/db?sslmode=require&a=1");
}

TEST(pg_uri, parameters_join_key_value_pairs_quoted) {
  EXPECT_EQ(with_parameters("host=h dbname=db", {{"options", "-c it's"}}),
            "host=h dbname=db options='-c it\\'s'");
}

TEST(pg_uri, a_cluster_connection_fails_within_a_third_of_the_lease) {
  auto uri = cluster_connection("postgresql://h/db", 6000);
  EXPECT_NE(uri.find("connect_timeout=2"), std::string::npos);
  EXPECT_NE(uri.find("tcp_user_timeout=2000"), std::string::npos);
  EXPECT_NE(uri.find("idle_in_transaction_session_timeout%3D2000"),
            std::string::npos);
}

} // namespace
} // namespace doorbuster::persistence
