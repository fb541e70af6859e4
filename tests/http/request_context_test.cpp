#include "http/request_context.hpp"

#include "http/product_input.hpp"

#include <gtest/gtest.h>

namespace doorbuster::http {
namespace {

TEST(request_context, new_ids_are_distinct_inline_and_can_be_sent_back) {
  auto first = new_request_id();
  auto second = new_request_id();
  EXPECT_NE(first, second);
  EXPECT_EQ(first.substr(0, 5), second.substr(0, 5)); // the process's tag
  EXPECT_EQ(first.size(), 15u); // within std::string's inline capacity
  EXPECT_LE(first.size(), std::string{}.capacity());
  EXPECT_TRUE(valid_sku(first)); // a client may pass it on as its own
}

TEST(request_context, a_valid_client_id_is_kept_and_an_invalid_one_replaced) {
  request req;
  req.set("X-Request-Id", "trace-42");
  EXPECT_EQ(request_id_of(req), "trace-42");
  req.set("X-Request-Id", "no spaces");
  auto replaced = request_id_of(req);
  EXPECT_NE(replaced, "no spaces");
  EXPECT_EQ(replaced.size(), 15u);
}

} // namespace
} // namespace doorbuster::http
