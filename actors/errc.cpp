#include "actors/errc.hpp"

namespace doorbuster::actors {

std::string_view to_code(errc e) {
  switch (e) {
    case errc::ok:
      return "ok";
    case errc::unknown_sku:
      return "unknown_sku";
    case errc::insufficient_stock:
      return "insufficient_stock";
    case errc::idempotency_key_reused:
      return "idempotency_key_reused";
    case errc::stock_out_of_range:
      return "stock_out_of_range";
    case errc::overloaded:
      return "overloaded";
    case errc::deadline_exceeded:
      return "deadline_exceeded";
  }
  return "unknown";
}

} // namespace doorbuster::actors
