#include "persistence/pg_store.hpp"

#include "persistence/migrations.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <map>

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

uint64_t pg_store::load(recovered_state& state, size_t keys_per_product) {
  pqxx::read_transaction tx{conn_->c};
  for (const auto& row :
       tx.exec("SELECT sku, name, description, category, price, currency, "
               "stock, version FROM products")) {
    recovered_product p;
    p.state = {row[0].as<std::string>(), row[1].as<std::string>(),
               row[2].as<std::string>(), row[3].as<std::string>(),
               row[4].as<int64_t>(),     row[5].as<std::string>(),
               row[6].as<int64_t>(),     row[7].as<uint64_t>()};
    state.put(std::move(p));
  }
  auto orders = tx.exec(
    "SELECT sku, idempotency_key, quantity, customer_id, order_id, "
    "stock_after FROM (SELECT *, row_number() OVER (PARTITION BY sku ORDER "
    "BY order_id DESC) AS n FROM orders WHERE idempotency_key IS NOT NULL) "
    "AS recent WHERE n <= "
    + std::to_string(keys_per_product) + " ORDER BY sku, order_id");
  for (const auto& row : orders)
    state.remember(row[0].as<std::string>(),
                   {row[1].as<std::string>(), row[2].as<int64_t>(),
                    row[3].as<std::string>(), row[4].as<uint64_t>(),
                    row[5].as<int64_t>()});
  auto mark = tx.exec_params(
    "SELECT last_seq FROM flush_watermark WHERE node_id = $1", node_id_);
  auto watermark = mark.empty() ? 0 : mark[0][0].as<uint64_t>();
  state.seq = watermark;
  return watermark;
}

uint64_t pg_store::max_order_id() {
  pqxx::read_transaction tx{conn_->c};
  return tx.exec1("SELECT coalesce(max(order_id), 0) FROM orders")[0]
    .as<uint64_t>();
}

void pg_store::apply(const std::vector<journal_record>& batch) {
  if (batch.empty())
    return;
  // Within one statement a row may change only once: keep each product's
  // newest full state, and its newest stock change from orders.
  std::map<std::string, const product_record*> states;
  std::map<std::string, const order_record*> stocks;
  std::vector<const order_record*> orders;
  for (const auto& rec : batch) {
    if (auto* p = std::get_if<product_record>(&rec.entry)) {
      states[p->sku] = p;
    } else {
      const auto& o = std::get<order_record>(rec.entry);
      stocks[o.sku] = &o;
      orders.push_back(&o);
    }
  }
  pqxx::work tx{conn_->c};
  auto q = [&tx](const std::string& s) { return tx.quote(s); };
  if (!states.empty()) {
    std::string sql = "INSERT INTO products (sku, name, description, "
                      "category, price, currency, stock, version) VALUES ";
    bool first = true;
    for (const auto& [sku, p] : states) {
      sql += first ? "(" : ",(";
      first = false;
      sql += q(p->sku) + "," + q(p->name) + "," + q(p->description) + ","
             + q(p->category) + "," + std::to_string(p->price) + ","
             + q(p->currency) + "," + std::to_string(p->stock) + ","
             + std::to_string(p->version) + ")";
    }
    sql += " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, "
           "description = EXCLUDED.description, category = EXCLUDED.category, "
           "price = EXCLUDED.price, currency = EXCLUDED.currency, "
           "stock = EXCLUDED.stock, version = EXCLUDED.version, "
           "updated_at = now() WHERE products.version < EXCLUDED.version";
    tx.exec(sql);
  }
  if (!stocks.empty()) {
    std::string sql = "UPDATE products AS p SET stock = v.stock, "
                      "version = v.version, updated_at = now() FROM (VALUES ";
    bool first = true;
    for (const auto& [sku, o] : stocks) {
      sql += first ? "(" : ",(";
      first = false;
      sql += q(o->sku) + "," + std::to_string(o->stock_after) + "::bigint,"
             + std::to_string(o->version_after) + "::bigint)";
    }
    sql += ") AS v (sku, stock, version) WHERE p.sku = v.sku "
           "AND p.version < v.version";
    tx.exec(sql);
  }
  if (!orders.empty()) {
    std::string sql = "INSERT INTO orders (order_id, sku, quantity, "
                      "customer_id, idempotency_key, unit_price, currency, "
                      "stock_after, created_at) VALUES ";
    bool first = true;
    for (const auto* o : orders) {
      sql += first ? "(" : ",(";
      first = false;
      sql += std::to_string(o->order_id) + "," + q(o->sku) + ","
             + std::to_string(o->quantity) + "," + q(o->customer_id) + ","
             + (o->idempotency_key.empty() ? "NULL" : q(o->idempotency_key))
             + "," + std::to_string(o->unit_price) + "," + q(o->currency)
             + "," + std::to_string(o->stock_after) + ",to_timestamp("
             + std::to_string(o->created_at_ms) + " / 1000.0))";
    }
    sql += " ON CONFLICT (order_id) DO NOTHING";
    tx.exec(sql);
  }
  tx.exec_params("INSERT INTO flush_watermark (node_id, last_seq) "
                 "VALUES ($1, $2) ON CONFLICT (node_id) DO UPDATE SET "
                 "last_seq = EXCLUDED.last_seq, updated_at = now()",
                 node_id_, batch.back().seq);
  tx.commit();
}

} // namespace doorbuster::persistence
