// A Beast body for the API's responses: text of its own, or bytes shared
// with whatever rendered them and keeps them alive (a product's
// pre-rendered document, in its two parts), so that a product page is
// written from the catalog's bytes without copying them.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

#include <array>
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

    /// Shares `bytes`, then `more`, which live as long as `keeper` does
    /// (null: bytes of static storage).
    void share(std::shared_ptr<const void> keeper, std::string_view bytes,
               std::string_view more = {}) {
      keeper_ = std::move(keeper);
      shared_ = bytes;
      more_ = more;
      is_shared_ = true;
      own_.clear();
    }

    /// The body's first part: all of it but `rest()`.
    std::string_view view() const {
      return is_shared_ ? shared_ : std::string_view{own_};
    }
    std::string_view rest() const { return is_shared_ ? more_ : std::string_view{}; }

    /// The text to change; shared bytes become text of its own first.
    std::string& text() {
      if (is_shared_) {
        own_.assign(shared_);
        own_.append(more_);
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

    size_t size() const { return view().size() + rest().size(); }

  private:
    void unshare() {
      keeper_.reset();
      shared_ = {};
      more_ = {};
      is_shared_ = false;
    }

    std::string own_;
    std::shared_ptr<const void> keeper_;
    std::string_view shared_; // valid while is_shared_
    std::string_view more_;
    bool is_shared_ = false;
  };

  static std::uint64_t size(const value_type& body) { return body.size(); }

  /// Hands Beast's serializer both of the body's parts at once, so that a
  /// response goes out in one write (one buffer each would cost a write,
  /// and a TCP segment, per part).
  class writer {
  public:
    using const_buffers_type = std::array<boost::asio::const_buffer, 2>;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&,
           const value_type& body)
      : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>>
    get(boost::beast::error_code& ec) {
      ec = {};
      auto first = body_.view();
      auto rest = body_.rest();
      return std::make_pair(
        const_buffers_type{boost::asio::const_buffer{first.data(), first.size()},
                           boost::asio::const_buffer{rest.data(), rest.size()}},
        false);
    }

  private:
    const value_type& body_;
  };
};

} // namespace doorbuster::http
