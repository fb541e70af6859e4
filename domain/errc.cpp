#include "domain/errc.hpp"

namespace doorbuster::domain {

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
    case errc::not_on_sale:
      return "not_on_sale";
    case errc::limit_exceeded:
      return "limit_exceeded";
    case errc::unknown_reservation:
      return "unknown_reservation";
    case errc::reservation_expired:
      return "reservation_expired";
    case errc::reservation_confirmed:
      return "reservation_confirmed";
    case errc::reservation_cancelled:
      return "reservation_cancelled";
    case errc::reservation_busy:
      return "reservation_busy";
    case errc::ttl_out_of_range:
      return "ttl_out_of_range";
    case errc::unavailable:
      return "unavailable";
    case errc::moved:
      return "moved";
    case errc::outcome_unknown:
      return "outcome_unknown";
    case errc::too_many_holds:
      return "too_many_holds";
    case errc::checkout_elsewhere:
      return "idempotency_key_reused"; // what a client could make of it
  }
  return "unknown";
}

} // namespace doorbuster::domain
