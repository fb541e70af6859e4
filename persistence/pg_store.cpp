#include "persistence/pg_store.hpp"

#include "persistence/migrations.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

namespace doorbuster::persistence {

struct pg_store::connection {
  explicit connection(const std::string& uri) : c(uri) {}
  pqxx::connection c;
};

pg_store::pg_store(const std::string& uri, std::string node_id)
  : conn_(std::make_unique<connection>(uri)), node_id_(std::move(node_id)) {}

pg_store::~pg_store() = default;

std::string pg_store::describe() const {
  auto host = conn_->c.hostname() ? conn_->c.hostname() : "local";
  return std::string{conn_->c.username()} + "@" + host + ":" + conn_->c.port()
         + "/" + conn_->c.dbname();
}

void pg_store::migrate() {
  pqxx::work tx{conn_->c};
  tx.exec("CREATE TABLE IF NOT EXISTS schema_version ("
          "version int PRIMARY KEY, "
          "applied_at timestamptz NOT NULL DEFAULT now())");
  // Two nodes starting at once must not both apply a migration.
  tx.exec("LOCK TABLE schema_version IN EXCLUSIVE MODE");
  auto current = tx.exec1("SELECT coalesce(max(version), 0) FROM schema_version")
                   [0]
                     .as<int>();
  for (const auto& m : migrations()) {
    if (m.version <= current)
      continue;
    spdlog::info("postgres: applying migration {} ({})", m.version, m.name);
    tx.exec(m.sql);
    tx.exec("INSERT INTO schema_version (version) VALUES ("
            + std::to_string(m.version) + ")");
  }
  tx.commit();
}

namespace {

/// A Unix-ms instant as SQL: NULL for 0 (unset).
std::string timestamp_sql(int64_t unix_ms) {
  return unix_ms == 0 ? "NULL"
                      : "to_timestamp(" + std::to_string(unix_ms) + " / 1000.0)";
}

/// The reverse, in a SELECT list.
std::string unix_ms_of(const char* column) {
  return std::string{"coalesce((extract(epoch FROM "} + column
         + ") * 1000)::bigint, 0)";
}

} // namespace

namespace {

/// "sku = ANY(ARRAY[...])" for the SKUs in `skus`, or "true" for all.
std::string sku_condition(pqxx::transaction_base& tx,
                          const std::vector<std::string>* skus) {
  if (skus == nullptr)
    return "true";
  std::string sql = "sku = ANY(ARRAY[";
  for (size_t i = 0; i < skus->size(); ++i)
    sql += (i == 0 ? "" : ",") + tx.quote((*skus)[i]);
  return sql + "]::text[])";
}

/// The newest sold checkouts, for their coordinators to answer retries.
void load_checkouts(pqxx::transaction_base& tx, recovered_state& state) {
  for (const auto& row : tx.exec(
         "SELECT checkout_id, order_id, sku, quantity, customer_id, "
         "coalesce(idempotency_key, ''), unit_price, currency, "
         "coalesce(checkout_kind, 0) FROM orders WHERE checkout_id IN "
         "(SELECT DISTINCT checkout_id FROM orders WHERE checkout_id IS NOT "
         "NULL ORDER BY checkout_id DESC LIMIT "
         + std::to_string(domain::checkouts_remembered)
         + ") ORDER BY checkout_id, sku")) {
    domain::order sale;
    sale.checkout_id = row[0].as<uint64_t>();
    sale.order_id = row[1].as<uint64_t>();
    sale.sku = row[2].as<std::string>();
    sale.quantity = row[3].as<int64_t>();
    sale.customer_id = row[4].as<std::string>();
    sale.idempotency_key = row[5].as<std::string>();
    sale.unit_price = row[6].as<int64_t>();
    sale.currency = row[7].as<std::string>();
    sale.kind = static_cast<domain::checkout_kind>(row[8].as<int>());
    state.add_checkout_line(sale);
  }
}

/// Loads products (those `keep` accepts; all without it) with, per
/// product, the newest idempotent orders, live holds and what each
/// customer took.
/// Loads the products `keep` accepts (all without it); returns their SKUs.
std::vector<std::string> load_products(pqxx::transaction_base& tx,
                                       recovered_state& state,
                                       const sku_filter* keep) {
  std::vector<std::string> kept;
  for (const auto& row :
       tx.exec("SELECT sku, name, description, category, price, currency, "
               "stock, version, reserved, max_per_order, max_per_customer, "
               + unix_ms_of("sale_starts_at") + ", "
               + unix_ms_of("sale_ends_at")
               + ", paused, max_hold_s FROM products")) {
    auto sku = row[0].as<std::string>();
    if (keep != nullptr && !(*keep)(sku))
      continue;
    domain::stored_product p;
    auto& s = p.state;
    s.sku = std::move(sku);
    s.fields.name = row[1].as<std::string>();
    s.fields.description = row[2].as<std::string>();
    s.fields.category = row[3].as<std::string>();
    s.fields.price = row[4].as<int64_t>();
    s.fields.currency = row[5].as<std::string>();
    s.fields.stock = row[6].as<int64_t>();
    s.version = row[7].as<uint64_t>();
    s.reserved = row[8].as<int64_t>();
    s.rules.max_per_order = row[9].as<int64_t>();
    s.rules.max_per_customer = row[10].as<int64_t>();
    s.rules.sale_starts_at_ms = row[11].as<int64_t>();
    s.rules.sale_ends_at_ms = row[12].as<int64_t>();
    s.rules.paused = row[13].as<bool>();
    s.rules.max_hold_s = row[14].as<int64_t>();
    if (keep != nullptr)
      kept.push_back(s.sku);
    state.put(std::move(p));
  }
  return kept;
}

void load_state(pqxx::transaction_base& tx, recovered_state& state,
                size_t keys_per_product, const sku_filter* keep) {
  auto kept = load_products(tx, state, keep);
  if (keep != nullptr && kept.empty())
    return;
  const auto* only = keep != nullptr ? &kept : nullptr;
  auto in_scope = sku_condition(tx, only);
  auto orders = tx.exec(
    "SELECT sku, idempotency_key, quantity, customer_id, order_id, "
    "stock_after, coalesce(checkout_id, 0) FROM (SELECT *, row_number() "
    "OVER (PARTITION BY sku ORDER BY order_id DESC) AS n FROM orders WHERE "
    "idempotency_key IS NOT NULL AND " + in_scope + ") AS recent WHERE n <= "
    + std::to_string(keys_per_product) + " ORDER BY sku, order_id");
  for (const auto& row : orders)
    state.remember(row[0].as<std::string>(),
                   {row[1].as<std::string>(), row[2].as<int64_t>(),
                    row[3].as<std::string>(), row[4].as<uint64_t>(),
                    row[5].as<int64_t>(), row[6].as<uint64_t>()});
  for (const auto& row : tx.exec("SELECT checkout_id, sku, customer_id, "
                                 "quantity, "
                                 + unix_ms_of("expires_at")
                                 + ", kind, coalesce(idempotency_key, ''), "
                                   "coalesce(order_id, 0), holder, "
                                 + unix_ms_of("placed_at")
                                 + " FROM holds WHERE " + in_scope)) {
    domain::hold_record r;
    auto& h = r.placed;
    h.checkout_id = row[0].as<uint64_t>();
    h.sku = row[1].as<std::string>();
    h.customer_id = row[2].as<std::string>();
    h.quantity = row[3].as<int64_t>();
    h.expires_at_ms = row[4].as<int64_t>();
    h.kind = static_cast<domain::checkout_kind>(row[5].as<int>());
    h.idempotency_key = row[6].as<std::string>();
    h.order_id = row[7].as<uint64_t>();
    h.holder = row[8].as<std::string>();
    h.placed_at_ms = row[9].as<int64_t>();
    state.add_hold(std::move(r));
  }
  // What each customer took of each product: their orders and live holds.
  for (const auto& row : tx.exec(
         "SELECT sku, customer_id, sum(quantity)::bigint FROM (SELECT sku, "
         "customer_id, quantity FROM orders WHERE " + in_scope
         + " UNION ALL SELECT sku, customer_id, quantity FROM holds WHERE "
         + in_scope + ") AS taken GROUP BY sku, customer_id"))
    state.add_units(row[0].as<std::string>(), row[1].as<std::string>(),
                    row[2].as<int64_t>());
}

} // namespace

uint64_t pg_store::load(recovered_state& state, size_t keys_per_product) {
  pqxx::read_transaction tx{conn_->c};
  load_state(tx, state, keys_per_product, nullptr);
  load_checkouts(tx, state);
  auto mark = tx.exec_params(
    "SELECT last_seq FROM flush_watermark WHERE node_id = $1", node_id_);
  auto watermark = mark.empty() ? 0 : mark[0][0].as<uint64_t>();
  state.seq = watermark;
  return watermark;
}


std::vector<domain::stored_product>
pg_store::load_shards(const sku_filter& keep, size_t keys_per_product) {
  pqxx::read_transaction tx{conn_->c};
  recovered_state state{keys_per_product};
  load_state(tx, state, keys_per_product, &keep);
  return state.existing_products();
}

uint64_t pg_store::max_order_id() {
  pqxx::read_transaction tx{conn_->c};
  return tx
    .exec1("SELECT greatest((SELECT coalesce(max(order_id), 0) FROM "
           "orders), (SELECT coalesce(max(order_id), 0) FROM holds))")[0]
    .as<uint64_t>();
}

namespace {

/// What a batch leaves of one hold row: the last word on it wins.
struct hold_change {
  enum { upsert, remove, decide } what;
  domain::hold row;      // upsert
  uint64_t order_id = 0; // decide
};

/// Appends "(a),(b),..." built by `row` for each element.
template <class Range, class Row>
std::string values_of(const Range& range, Row row) {
  std::string sql;
  for (const auto& item : range) {
    sql += sql.empty() ? "(" : ",(";
    sql += row(item);
    sql += ")";
  }
  return sql;
}


/// Writes `changes` (in the order they were made) in `tx`. Re-applying a
/// change changes nothing. `epochs`, if given, holds each change's lease
/// epoch (orders record it).
void write_changes(pqxx::work& tx,
                   const std::vector<const domain::change*>& changes,
                   const std::vector<uint64_t>* epochs = nullptr) {
  // Within one statement a row may change only once: keep each product's
  // newest full state and newest counters, and each hold's last change.
  std::map<std::string, const domain::product_state*> states;
  std::map<std::string, domain::counters> stocks;
  std::vector<std::pair<const domain::order*, uint64_t>> orders;
  std::map<std::pair<uint64_t, std::string>, hold_change> holds;
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto* change = changes[i];
    auto epoch = epochs != nullptr ? (*epochs)[i] : 0;
    std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, domain::product_state>) {
          states[r.sku] = &r;
        } else if constexpr (std::is_same_v<T, domain::checkout_decision>) {
          for (const auto& line : r.lines) {
            auto [it, added] = holds.try_emplace({r.checkout_id, line.sku},
                                                 hold_change{hold_change::decide,
                                                             {},
                                                             line.order_id});
            if (!added && it->second.what == hold_change::upsert)
              it->second.row.order_id = line.order_id;
          }
        } else if constexpr (std::is_same_v<T, domain::order>) {
          stocks[r.sku] = r.after;
          orders.emplace_back(&r, epoch);
          if (r.checkout_id != 0)
            holds[{r.checkout_id, r.sku}] = {hold_change::remove, {}, 0};
        } else if constexpr (std::is_same_v<T, domain::hold_record>) {
          stocks[r.placed.sku] = r.after;
          auto& change = holds[{r.placed.checkout_id, r.placed.sku}];
          auto decided = change.what == hold_change::upsert
                           ? change.row.order_id
                           : 0;
          change = {hold_change::upsert, r.placed, 0};
          change.row.order_id = decided;
        } else {
          static_assert(std::is_same_v<T, domain::release_record>);
          stocks[r.sku] = r.after;
          holds[{r.checkout_id, r.sku}] = {hold_change::remove, {}, 0};
        }
      },
      *change);
  }
  auto q = [&tx](const std::string& s) { return tx.quote(s); };
  auto num = [](auto n) { return std::to_string(n); };
  if (!states.empty()) {
    tx.exec(
      "INSERT INTO products (sku, name, description, category, price, "
      "currency, stock, version, reserved, max_per_order, max_per_customer, "
      "sale_starts_at, sale_ends_at, paused, max_hold_s) VALUES "
      + values_of(states,
                  [&](const auto& entry) {
                    const auto& p = *entry.second;
                    const auto& f = p.fields;
                    const auto& r = p.rules;
                    return q(p.sku) + "," + q(f.name) + "," + q(f.description)
                           + "," + q(f.category) + "," + num(f.price) + ","
                           + q(f.currency) + "," + num(f.stock) + ","
                           + num(p.version) + "," + num(p.reserved) + ","
                           + num(r.max_per_order) + ","
                           + num(r.max_per_customer) + ","
                           + timestamp_sql(r.sale_starts_at_ms) + ","
                           + timestamp_sql(r.sale_ends_at_ms) + ","
                           + (r.paused ? "true" : "false") + ","
                           + num(r.max_hold_s);
                  })
      + " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, "
        "description = EXCLUDED.description, category = EXCLUDED.category, "
        "price = EXCLUDED.price, currency = EXCLUDED.currency, "
        "stock = EXCLUDED.stock, version = EXCLUDED.version, "
        "reserved = EXCLUDED.reserved, "
        "max_per_order = EXCLUDED.max_per_order, "
        "max_per_customer = EXCLUDED.max_per_customer, "
        "sale_starts_at = EXCLUDED.sale_starts_at, "
        "sale_ends_at = EXCLUDED.sale_ends_at, paused = EXCLUDED.paused, "
        "max_hold_s = EXCLUDED.max_hold_s, "
        "updated_at = now() WHERE products.version < EXCLUDED.version");
  }
  if (!stocks.empty()) {
    tx.exec("UPDATE products AS p SET stock = v.stock, reserved = v.reserved, "
            "version = v.version, updated_at = now() FROM (VALUES "
            + values_of(stocks,
                        [&](const auto& entry) {
                          const auto& c = entry.second;
                          return q(entry.first) + "," + num(c.stock)
                                 + "::bigint," + num(c.reserved) + "::bigint,"
                                 + num(c.version) + "::bigint";
                        })
            + ") AS v (sku, stock, reserved, version) WHERE p.sku = v.sku "
              "AND p.version < v.version");
  }
  if (!orders.empty()) {
    tx.exec(
      "INSERT INTO orders (order_id, sku, quantity, customer_id, "
      "idempotency_key, unit_price, currency, stock_after, created_at, "
      "checkout_id, checkout_kind, shard_epoch) VALUES "
      + values_of(orders,
                  [&](const auto& entry) {
                    const auto* o = entry.first;
                    return num(o->order_id) + "," + q(o->sku) + ","
                           + num(o->quantity) + "," + q(o->customer_id) + ","
                           + (o->idempotency_key.empty()
                                ? std::string{"NULL"}
                                : q(o->idempotency_key))
                           + "," + num(o->unit_price) + "," + q(o->currency)
                           // the answer's "remaining": what was available
                           + "," + num(o->after.stock - o->after.reserved)
                           + ",to_timestamp(" + num(o->created_at_ms)
                           + " / 1000.0),"
                           + (o->checkout_id == 0
                                ? std::string{"NULL,NULL"}
                                : num(o->checkout_id) + ","
                                    + num(static_cast<int>(o->kind)))
                           + ","
                           + (entry.second == 0 ? std::string{"NULL"}
                                                : num(entry.second));
                  })
      + " ON CONFLICT (order_id) DO NOTHING");
  }
  std::vector<std::pair<const std::pair<uint64_t, std::string>*,
                        const hold_change*>>
    removed, upserted, decided;
  for (const auto& [key, change] : holds) {
    auto& into = change.what == hold_change::remove   ? removed
                 : change.what == hold_change::upsert ? upserted
                                                      : decided;
    into.emplace_back(&key, &change);
  }
  auto key_of = [&](const auto& item) {
    return num(item.first->first) + "::bigint," + q(item.first->second);
  };
  if (!removed.empty())
    tx.exec("DELETE FROM holds WHERE (checkout_id, sku) IN (VALUES "
            + values_of(removed, key_of) + ")");
  if (!upserted.empty())
    tx.exec(
      "INSERT INTO holds (checkout_id, sku, customer_id, quantity, "
      "expires_at, kind, idempotency_key, order_id, holder, placed_at) "
      "VALUES "
      + values_of(upserted,
                  [&](const auto& item) {
                    const auto& h = item.second->row;
                    return key_of(item) + "," + q(h.customer_id) + ","
                           + num(h.quantity) + ","
                           + timestamp_sql(h.expires_at_ms) + ","
                           + num(static_cast<int>(h.kind)) + ","
                           + (h.idempotency_key.empty()
                                ? std::string{"NULL"}
                                : q(h.idempotency_key))
                           + ","
                           + (h.order_id == 0 ? std::string{"NULL"}
                                              : num(h.order_id))
                           + "," + q(h.holder) + ","
                           + timestamp_sql(h.placed_at_ms);
                  })
      + " ON CONFLICT (checkout_id, sku) DO UPDATE SET "
        "expires_at = EXCLUDED.expires_at, "
        "order_id = coalesce(EXCLUDED.order_id, holds.order_id)");
  if (!decided.empty())
    tx.exec("UPDATE holds AS h SET order_id = v.order_id FROM (VALUES "
            + values_of(decided,
                        [&](const auto& item) {
                          return key_of(item) + ","
                                 + num(item.second->order_id) + "::bigint";
                        })
            + ") AS v (checkout_id, sku, order_id) WHERE h.checkout_id = "
              "v.checkout_id AND h.sku = v.sku");
}

} // namespace

void pg_store::apply(const std::vector<journal_record>& batch) {
  if (batch.empty())
    return;
  std::vector<const domain::change*> changes;
  changes.reserve(batch.size());
  for (const auto& rec : batch)
    changes.push_back(&rec.entry);
  pqxx::work tx{conn_->c};
  write_changes(tx, changes);
  tx.exec_params("INSERT INTO flush_watermark (node_id, last_seq) "
                 "VALUES ($1, $2) ON CONFLICT (node_id) DO UPDATE SET "
                 "last_seq = EXCLUDED.last_seq, updated_at = now()",
                 node_id_, batch.back().seq);
  tx.commit();
}

std::vector<bool>
pg_store::apply_fenced(const std::vector<fenced_change>& batch,
                       const lease_holder& holder) {
  std::vector<bool> committed(batch.size(), false);
  if (batch.empty())
    return committed;
  pqxx::work tx{conn_->c};
  // The leases this batch is fenced by, locked FOR SHARE: a takeover (an
  // UPDATE of the row) waits until this transaction ends, so no record of
  // a lost lease can commit after another node took the shard.
  std::set<uint32_t> shards;
  for (const auto& r : batch)
    if (r.fence != 0)
      shards.insert(r.shard);
  std::set<std::pair<uint32_t, uint64_t>> held;
  if (!shards.empty()) {
    std::string list;
    for (auto s : shards)
      list += (list.empty() ? "" : ",") + std::to_string(s);
    for (const auto& row : tx.exec_params(
           "SELECT shard, epoch FROM shard_lease WHERE shard IN (" + list
             + ") AND owner = $1 AND owner_generation = $2 ORDER BY shard "
               "FOR SHARE", // in shard order, as membership locks them
           holder.node_id, holder.generation))
      held.emplace(row[0].as<uint32_t>(), row[1].as<uint64_t>());
  }
  std::vector<const domain::change*> changes;
  std::vector<uint64_t> epochs;
  changes.reserve(batch.size());
  epochs.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& r = batch[i];
    if (r.fence != 0 && held.count({r.shard, r.fence}) == 0)
      continue;
    committed[i] = true;
    changes.push_back(&r.entry);
    epochs.push_back(r.fence);
  }
  write_changes(tx, changes, &epochs);
  tx.commit();
  return committed;
}

bool pg_store::has_products() {
  pqxx::read_transaction tx{conn_->c};
  return tx.exec1("SELECT EXISTS (SELECT 1 FROM products)")[0].as<bool>();
}

std::vector<domain::product_state> pg_store::load_catalog() {
  pqxx::read_transaction tx{conn_->c};
  recovered_state state{0};
  load_products(tx, state, nullptr);
  std::vector<domain::product_state> result;
  result.reserve(state.product_count());
  state.for_each_product(
    [&result](const domain::stored_product& p) { result.push_back(p.state); });
  return result;
}

} // namespace doorbuster::persistence
