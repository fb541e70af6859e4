// Reads a request's JSON object field by field with precise errors: wrong
// type, out of range, missing, unknown or repeated field. RapidJSON parses;
// this only checks what the API accepts.
#pragma once

#include "http/api_error.hpp"

#include <rapidjson/document.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace doorbuster::http {

class json_input {
public:
  /// Parses `text` as one JSON object (UTF-8 validated).
  static std::optional<api_error> parse(std::string_view text,
                                        json_input& out);

  /// Rejects fields not in `allowed` and fields given twice.
  std::optional<api_error>
  only(std::initializer_list<std::string_view> allowed) const;

  /// A string of min_len..max_len bytes without NUL (PostgreSQL's text
  /// cannot hold one).
  std::optional<api_error> text(const char* name, bool required,
                                size_t max_len,
                                std::optional<std::string>& out,
                                size_t min_len = 1) const;

  /// true or false.
  std::optional<api_error> boolean(const char* name, bool required,
                                   std::optional<bool>& out) const;

  /// An integer in [min, max]; 1.0, 1e3 and numbers beyond int64 are refused.
  std::optional<api_error> integer(const char* name, bool required,
                                   int64_t min, int64_t max,
                                   std::optional<int64_t>& out) const;

  /// An RFC 3339 UTC instant as Unix ms, or null (out = 0: cleared).
  std::optional<api_error> instant_or_null(const char* name,
                                           std::optional<int64_t>& out) const;

  /// An array of 1..max_count objects, each read by `each`; an element's
  /// error names its position ("items[2]: ...").
  using element_reader =
    std::function<std::optional<api_error>(const json_input&)>;
  std::optional<api_error> objects(const char* name, size_t max_count,
                                   const element_reader& each) const;

private:
  const rapidjson::Value& object() const { return view_ ? *view_ : doc_; }

  /// The field, or nullptr (with `err` set if it was required).
  const rapidjson::Value* field(const char* name, bool required,
                                std::optional<api_error>& err) const;

  rapidjson::Document doc_;
  const rapidjson::Value* view_ = nullptr; // an element of a parent's doc
};

} // namespace doorbuster::http
