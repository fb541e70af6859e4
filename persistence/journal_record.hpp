// What the journal stores: every change a client was told succeeded, as a
// msgpack record with a sequence number. A product record carries the whole
// resulting state, so replaying one is idempotent; the other records carry
// the product's stock, reserved units and version afterwards. Fields are
// only ever appended, so older records still decode.
#pragma once

#include <msgpack.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace doorbuster::persistence {

/// A product created, replaced or changed: its full state afterwards.
struct product_record {
  std::string sku;
  std::string name;
  std::string description;
  std::string category;
  int64_t price = 0;
  std::string currency;
  int64_t stock = 0;
  uint64_t version = 0;
  int64_t reserved = 0;
  int64_t max_per_order = 0;
  int64_t max_per_customer = 0;
  int64_t sale_starts_at_ms = 0;
  int64_t sale_ends_at_ms = 0;
  bool paused = false;
  MSGPACK_DEFINE(sku, name, description, category, price, currency, stock,
                 version, reserved, max_per_order, max_per_customer,
                 sale_starts_at_ms, sale_ends_at_ms, paused)
};

/// A sale: a purchase, or one line of a checkout (checkout_id set) whose
/// hold it turns into an order.
struct order_record {
  uint64_t order_id = 0;
  std::string sku;
  int64_t quantity = 0;
  std::string customer_id;
  std::string idempotency_key; // empty: none
  int64_t unit_price = 0;
  std::string currency;
  int64_t created_at_ms = 0; // Unix time
  int64_t stock_after = 0;
  uint64_t version_after = 0;
  uint64_t checkout_id = 0; // 0: a single purchase
  int64_t reserved_after = 0;
  uint8_t checkout_kind = 0; // actors::hold_kind of its checkout
  MSGPACK_DEFINE(order_id, sku, quantity, customer_id, idempotency_key,
                 unit_price, currency, created_at_ms, stock_after,
                 version_after, checkout_id, reserved_after, checkout_kind)
};

/// Units of a product held for a checkout, placed or extended. `order_id`
/// is 0 in the journal; recovery sets it when the checkout was decided.
struct hold_record {
  uint64_t checkout_id = 0;
  std::string sku;
  std::string customer_id;
  int64_t quantity = 0;
  int64_t expires_at_ms = 0;
  uint8_t kind = 1; // actors::hold_kind
  std::string idempotency_key;
  int64_t stock_after = 0;
  int64_t reserved_after = 0;
  uint64_t version_after = 0;
  uint64_t order_id = 0;
  MSGPACK_DEFINE(checkout_id, sku, customer_id, quantity, expires_at_ms, kind,
                 idempotency_key, stock_after, reserved_after, version_after,
                 order_id)
};

/// A hold given back: cancelled, expired or its checkout failed.
struct release_record {
  uint64_t checkout_id = 0;
  std::string sku;
  int64_t stock_after = 0;
  int64_t reserved_after = 0;
  uint64_t version_after = 0;
  MSGPACK_DEFINE(checkout_id, sku, stock_after, reserved_after, version_after)
};

/// A checkout decided to sell every line; written once all its holds are
/// durable and before any of them is sold, so recovery can finish it.
struct checkout_line_record {
  std::string sku;
  uint64_t order_id = 0;
  MSGPACK_DEFINE(sku, order_id)
};

struct checkout_record {
  uint64_t checkout_id = 0;
  std::string customer_id;
  std::vector<checkout_line_record> lines;
  MSGPACK_DEFINE(checkout_id, customer_id, lines)
};

using journal_entry = std::variant<product_record, order_record, hold_record,
                                   release_record, checkout_record>;

struct journal_record {
  uint64_t seq = 0;
  journal_entry entry;
};

/// Appends one framed record to `out`:
///   u32 payload length | u32 CRC32C of payload | payload (msgpack)
/// with the payload a msgpack array [seq, kind, entry].
void append_frame(std::vector<char>& out, uint64_t seq,
                  const journal_entry& entry);

enum class frame_status {
  ok,        // a whole, valid record
  truncated, // the bytes end inside the frame
  corrupt,   // bad length, checksum or content
};

/// Decodes the frame at the start of [data, data + size). On ok, `out` holds
/// the record and `frame_size` the bytes it took.
frame_status read_frame(const char* data, size_t size, journal_record& out,
                        size_t& frame_size);

/// Bytes of the frame header.
constexpr size_t frame_header_size = 8;

/// Frames larger than this are taken as corrupt.
constexpr uint32_t max_frame_payload = 16 * 1024 * 1024;

} // namespace doorbuster::persistence
