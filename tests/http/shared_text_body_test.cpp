// The response body that shares a product's pre-rendered parts: Beast's
// serializer gets the header and every part in one buffer sequence, so a
// response is one write (one TCP segment on loopback), not one per part.
#include "http/shared_text_body.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace doorbuster::http {
namespace {

namespace bhttp = boost::beast::http;

/// What the serializer's first step hands the socket, and whether that was
/// all of the response.
std::pair<std::string, bool>
first_write(bhttp::response<shared_text_body>& res) {
  res.prepare_payload();
  bhttp::serializer<false, shared_text_body> sr{res};
  boost::beast::error_code ec;
  std::string bytes;
  sr.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
    bytes = boost::beast::buffers_to_string(buffers);
  });
  EXPECT_FALSE(ec) << ec.message();
  sr.consume(bytes.size());
  return {bytes, sr.is_done()};
}

TEST(shared_text_body, a_shared_page_is_one_write_of_header_and_parts) {
  auto page = std::make_shared<std::string>(R"({"sku":"A","version":2,)"
                                            R"("max_per_order":null})");
  std::string_view all{*page};
  auto cut = all.find("\"max_per_order\"");
  bhttp::response<shared_text_body> res{bhttp::status::ok, 11};
  res.body().share(page, all.substr(0, cut), all.substr(cut));
  auto [bytes, done] = first_write(res);
  EXPECT_TRUE(done);
  auto body_at = bytes.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos);
  EXPECT_EQ(bytes.substr(body_at + 4), *page);
  EXPECT_NE(bytes.find("Content-Length: " + std::to_string(page->size())),
            std::string::npos)
    << bytes;
}

TEST(shared_text_body, text_of_its_own_is_one_write_too) {
  bhttp::response<shared_text_body> res{bhttp::status::created, 11};
  res.body() = std::string{R"({"order_id":7})"};
  auto [bytes, done] = first_write(res);
  EXPECT_TRUE(done);
  EXPECT_EQ(bytes.substr(bytes.find("\r\n\r\n") + 4), R"({"order_id":7})");
}

} // namespace
} // namespace doorbuster::http
