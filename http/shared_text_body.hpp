// A Beast body for the API's responses: text of its own, or bytes shared
// with whatever rendered them and keeps them alive (a product's
// pre-rendered document), so that a product page is written from the
// catalog's bytes without copying them.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace doorbuster::http {

struct shared_text_body {
  class value_type {
  public:
    value_type& operator=(std::string text) {
      own_ = std::move(text);
      unshare();
      return *this;
    }

    /// Shares `bytes`, which live as long as `keeper` does (null: bytes of
    /// static storage).
    void share(std::shared_ptr<const void> keeper, std::string_view bytes) {
      keeper_ = std::move(keeper);
      shared_ = bytes;
      is_shared_ = true;
      own_.clear();
    }

    std::string_view view() const {
      return is_shared_ ? shared_ : std::string_view{own_};
    }

    /// The text to change; shared bytes become text of its own first.
    std::string& text() {
      if (is_shared_) {
        own_.assign(shared_);
        unshare();
      }
      return own_;
    }

    value_type& operator+=(std::string_view more) {
      text().append(more);
      return *this;
    }

    void clear() {
      own_.clear();
      unshare();
    }

    size_t size() const { return view().size(); }

  private:
    void unshare() {
      keeper_.reset();
      shared_ = {};
      is_shared_ = false;
    }

    std::string own_;
    std::shared_ptr<const void> keeper_;
    std::string_view shared_; // valid while is_shared_
    bool is_shared_ = false;
  };

  static std::uint64_t size(const value_type& body) { return body.size(); }

  /// Hands Beast's serializer the whole body as one buffer.
  class writer {
  public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&,
           const value_type& body)
      : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>>
    get(boost::beast::error_code& ec) {
      ec = {};
      auto bytes = body_.view();
      return std::make_pair(const_buffers_type{bytes.data(), bytes.size()},
                            false);
    }

  private:
    const value_type& body_;
  };
};

} // namespace doorbuster::http
