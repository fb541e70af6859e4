// A refused request: status, stable machine-readable code, human message.
// Rendered as {"error":{"code":...,"message":...}} by to_response().
#pragma once

#include "domain/errc.hpp"
#include "http/message.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>

namespace doorbuster::http {

struct api_error {
  bhttp::status status;
  std::string code;
  std::string message;
  std::optional<int64_t> available; // for insufficient_stock
  std::optional<int64_t> allowance; // for limit_exceeded
  std::optional<std::string> sku;   // the line of a checkout that failed
};

/// The one mapping from domain errors to HTTP; `subject` (a SKU or a
/// reservation id) names what the message is about.
api_error from_errc(domain::errc e, const std::string& subject);

/// Also counts the error in the metrics. A 503 carries Retry-After: 1.
response to_response(const api_error& err);

/// Writes `err` as the API's error object, {"code":...,"message":...,...}.
void write_error(rapidjson::Writer<rapidjson::StringBuffer>& w,
                 const api_error& err);

/// Also counts the error in the metrics.
inline response error_response(bhttp::status status, std::string code,
                               std::string message) {
  return to_response(
    api_error{status, std::move(code), std::move(message), {}, {}, {}});
}

} // namespace doorbuster::http
