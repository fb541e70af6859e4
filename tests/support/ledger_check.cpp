#include "support/ledger_check.hpp"

#include "domain/shard.hpp"
#include "support/http_client.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace doorbuster::testing {

namespace {

using problems_t = std::vector<std::string>;

std::string in_list(const std::map<std::string, int64_t>& initial,
                    pqxx::transaction_base& tx) {
  std::string list;
  for (const auto& [sku, _] : initial)
    list += (list.empty() ? "" : ",") + tx.quote(sku);
  return list.empty() ? "NULL" : list;
}

struct pg_order {
  uint64_t order_id;
  std::string sku;
  std::string key;          // purchases
  uint64_t reservation = 0; // lines of a reservation
  bool checkout = false;    // a line of a reservation or multi-item order
  int64_t epoch = 0;        // 0: not committed under a lease
  int64_t committed_us = 0;
};

std::vector<pg_order> orders_of(const std::string& pg_uri,
                                const std::map<std::string, int64_t>& initial) {
  pqxx::connection conn{pg_uri};
  pqxx::read_transaction tx{conn};
  std::vector<pg_order> result;
  for (const auto& row : tx.exec(
         "SELECT order_id, sku, coalesce(idempotency_key, ''), CASE WHEN "
         "checkout_kind = 1 THEN checkout_id ELSE 0 END, coalesce(shard_epoch, "
         "0), coalesce((extract(epoch FROM committed_at) * 1000000)::bigint, "
         "0), checkout_id IS NOT NULL FROM orders WHERE sku IN ("
         + in_list(initial, tx) + ")"))
    result.push_back({row[0].as<uint64_t>(), row[1].as<std::string>(),
                      row[2].as<std::string>(), row[3].as<uint64_t>(),
                      row[6].as<bool>(), row[4].as<int64_t>(),
                      row[5].as<int64_t>()});
  return result;
}

/// Check 1.
void check_stock(pqxx::transaction_base& tx,
                 const std::map<std::string, int64_t>& initial,
                 problems_t& problems) {
  for (const auto& [sku, units] : initial) {
    auto row = tx.exec_params1(
      "SELECT (SELECT stock FROM products WHERE sku = $1), (SELECT "
      "coalesce(sum(quantity), 0) FROM orders WHERE sku = $1)",
      sku);
    auto stock = row[0].as<int64_t>(), sold = row[1].as<int64_t>();
    if (stock + sold != units)
      problems.push_back(sku + ": stock " + std::to_string(stock) + " + sold "
                         + std::to_string(sold) + " != "
                         + std::to_string(units));
  }
}

/// Check 2.
void check_orders(const std::vector<ledger_entry>& entries,
                  const std::vector<pg_order>& orders, bool lost_carts,
                  problems_t& problems) {
  std::map<uint64_t, size_t> by_id;
  std::map<std::string, std::vector<uint64_t>> by_key;
  std::map<uint64_t, std::vector<uint64_t>> by_reservation;
  for (const auto& o : orders) {
    ++by_id[o.order_id];
    if (!o.key.empty() && o.reservation == 0)
      by_key[o.key].push_back(o.order_id);
    if (o.reservation != 0)
      by_reservation[o.reservation].push_back(o.order_id);
  }
  std::map<std::string, const ledger_entry*> purchases;
  std::map<uint64_t, const ledger_entry*> confirms;
  for (const auto& e : entries) {
    if (e.kind == ledger_entry::purchase)
      purchases[e.key] = &e;
    if (e.kind == ledger_entry::confirm)
      confirms[e.reservation_id] = &e;
    if (e.status != 201 || e.kind == ledger_entry::reserve)
      continue;
    if (by_id[e.order_id] != 1)
      problems.push_back("acknowledged order " + std::to_string(e.order_id)
                         + " (" + e.key + ") is in PostgreSQL "
                         + std::to_string(by_id[e.order_id]) + " times");
  }
  auto answered = [](const ledger_entry* e) {
    return e->status == 201 || e->uncertain();
  };
  for (const auto& [key, ids] : by_key) {
    auto e = purchases.find(key);
    if (e == purchases.end())
      continue; // not a ledger purchase
    if (ids.size() > 1)
      problems.push_back("key " + key + " has " + std::to_string(ids.size())
                         + " orders");
    if (!answered(e->second))
      problems.push_back("key " + key + " has an order but was answered "
                         + std::to_string(e->second->status) + " "
                         + e->second->code);
    else if (e->second->status == 201 && e->second->order_id != ids.front())
      problems.push_back("key " + key + " was answered order "
                         + std::to_string(e->second->order_id)
                         + " but PostgreSQL has "
                         + std::to_string(ids.front()));
  }
  for (const auto& [id, lines] : by_reservation) {
    auto e = confirms.find(id);
    if (lost_carts && e != confirms.end()
        && e->second->code == "unknown_reservation")
      continue;
    if (e == confirms.end() || !answered(e->second))
      problems.push_back(
        "reservation " + std::to_string(id) + " has an order but its "
        + (e == confirms.end()
             ? std::string{"confirmation was never asked for"}
             : "confirmation was answered "
                 + std::to_string(e->second->status) + " "
                 + e->second->code));
  }
}

/// Check 3.
void check_epochs(pqxx::transaction_base& tx, size_t shards,
                  const std::vector<pg_order>& orders, problems_t& problems) {
  struct take {
    int64_t epoch;
    int64_t generation;
    int64_t at_us;
  };
  std::map<uint32_t, std::vector<take>> takes; // by epoch, per shard
  for (const auto& row : tx.exec(
         "SELECT shard, epoch, coalesce(generation, 0), (extract(epoch FROM "
         "at) * 1000000)::bigint FROM shard_history WHERE event = "
         "'acquired' ORDER BY shard, epoch"))
    takes[row[0].as<uint32_t>()].push_back(
      {row[1].as<int64_t>(), row[2].as<int64_t>(), row[3].as<int64_t>()});
  for (const auto& o : orders) {
    auto name = "order " + std::to_string(o.order_id) + " of " + o.sku;
    if (o.epoch == 0) {
      problems.push_back(name + " was committed without a lease epoch");
      continue;
    }
    auto shard = static_cast<uint32_t>(domain::shard_of(o.sku, shards));
    const auto& history = takes[shard];
    auto t = std::find_if(history.begin(), history.end(),
                          [&](const take& x) { return x.epoch == o.epoch; });
    if (t == history.end()) {
      problems.push_back(name + " has epoch " + std::to_string(o.epoch)
                         + ", which shard " + std::to_string(shard)
                         + " was never taken at");
      continue;
    }
    // A purchase's id is minted by the product's owner; a checkout line's
    // by the checkout's coordinator, on whichever node the client asked.
    if (!o.checkout && t->generation != static_cast<int64_t>(o.order_id >> 32))
      problems.push_back(name + " was minted by generation "
                         + std::to_string(o.order_id >> 32)
                         + " but epoch " + std::to_string(o.epoch)
                         + " belonged to generation "
                         + std::to_string(t->generation));
    if (o.committed_us <= t->at_us)
      problems.push_back(name + " was committed before its epoch began");
    auto next = std::next(t);
    if (next != history.end() && o.committed_us >= next->at_us)
      problems.push_back(name + " of epoch " + std::to_string(o.epoch)
                         + " was committed after shard "
                         + std::to_string(shard) + " was taken at epoch "
                         + std::to_string(next->epoch));
  }
}

/// Check 4: re-sends, on a few threads.
void check_resend(const std::vector<ledger_entry>& entries,
                  const std::vector<pg_order>& orders,
                  const std::set<uint64_t>& live_generations,
                  const std::vector<uint16_t>& ports, problems_t& problems) {
  std::map<std::string, uint64_t> committed; // purchase key -> order
  std::map<uint64_t, uint64_t> confirmed;    // reservation -> an order
  for (const auto& o : orders) {
    if (o.reservation != 0)
      confirmed[o.reservation] = o.order_id;
    else if (!o.key.empty())
      committed[o.key] = o.order_id;
  }
  std::vector<const ledger_entry*> todo;
  for (const auto& e : entries) {
    if (e.status != 201 && (e.kind == ledger_entry::reserve || !e.uncertain()))
      continue; // a reservation's id is known only from its 201
    // A reservation lives with the node that made it (its id's generation).
    if (e.kind != ledger_entry::purchase
        && live_generations.count(e.reservation_id >> 32) == 0)
      continue;
    todo.push_back(&e);
  }
  std::mutex mutex;
  std::vector<std::thread> threads;
  constexpr size_t n = 4;
  for (size_t t = 0; t < n; ++t)
    threads.emplace_back([&, t] {
      std::vector<std::unique_ptr<http_client>> clients;
      for (auto port : ports)
        clients.push_back(std::make_unique<http_client>(port));
      for (size_t i = t; i < todo.size(); i += n) {
        const auto& e = *todo[i];
        auto& client = *clients[i % clients.size()];
        auto purchase = e.kind == ledger_entry::purchase;
        auto reserve = e.kind == ledger_entry::reserve;
        auto target = purchase ? "/v1/products/" + e.sku + "/purchase"
                      : reserve
                        ? std::string{"/v1/reservations"}
                        : "/v1/reservations/" + std::to_string(e.reservation_id)
                            + "/confirm";
        auto body = purchase ? R"({"quantity":1,"customer_id":")" + e.customer
                                 + R"("})"
                    : reserve ? reservation_body(e.customer, e.sku)
                              : std::string{};
        uint64_t expected = 0;
        if (purchase) {
          auto c = committed.find(e.key);
          expected = c == committed.end() ? 0 : c->second;
        } else if (reserve) {
          expected = e.reservation_id;
        } else {
          auto c = confirmed.find(e.reservation_id);
          expected = c == confirmed.end() ? 0 : c->second;
        }
        std::string problem;
        try {
          // Answers that say "ask again" are asked again, for up to 5 s.
          reply r;
          for (int tries = 0; tries < 50; ++tries) {
            r = client.request(bhttp::verb::post, target, body,
                               {{"Idempotency-Key", e.key}});
            auto again = r.status == 503
                         || (r.status == 409
                             && r.error_code() == "reservation_busy");
            if (!again)
              break;
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
          }
          uint64_t got = 0;
          if (r.status == 201)
            got = purchase  ? id_of(r.json()["order_id"])
                  : reserve ? id_of(r.json()["reservation_id"])
                            : id_of(r.json()["orders"][0]["order_id"]);
          if (expected != 0 && got != expected)
            problem = "re-sent " + e.key + " (first "
                      + (reserve ? "reservation " : "order ")
                      + std::to_string(expected) + ") got "
                      + std::to_string(r.status) + " id "
                      + std::to_string(got) + ": " + r.body;
        } catch (const std::exception& ex) {
          if (expected != 0)
            problem = "re-sent " + e.key + ": " + ex.what();
        }
        if (!problem.empty()) {
          std::lock_guard<std::mutex> guard{mutex};
          problems.push_back(problem);
        }
      }
    });
  for (auto& t : threads)
    t.join();
}

} // namespace

std::vector<std::string> check_ledger(const ledger& book,
                                      const std::string& pg_uri,
                                      const std::map<std::string, int64_t>&
                                        initial,
                                      const check_options& opts) {
  problems_t problems;
  auto entries = book.entries();
  auto orders = orders_of(pg_uri, initial);
  std::set<uint64_t> live_generations;
  {
    pqxx::connection conn{pg_uri};
    pqxx::read_transaction tx{conn};
    check_stock(tx, initial, problems);
    check_orders(entries, orders, opts.lost_carts, problems);
    if (opts.shards > 0) {
      check_epochs(tx, opts.shards, orders, problems);
      for (const auto& row : tx.exec(
             "SELECT generation FROM cluster_nodes WHERE status <> 'left' "
             "AND heartbeat_at > clock_timestamp() - interval '10 seconds'"))
        live_generations.insert(row[0].as<uint64_t>());
    }
  }
  if (opts.ports.empty())
    return problems;
  check_resend(entries, orders, live_generations, opts.ports, problems);
  // Fresh attempts for writes that had not been applied may have sold
  // more: each key still has at most one order, and stock still adds up.
  auto after = orders_of(pg_uri, initial);
  check_orders(entries, after, opts.lost_carts, problems);
  pqxx::connection conn{pg_uri};
  pqxx::read_transaction tx{conn};
  check_stock(tx, initial, problems);
  std::sort(problems.begin(), problems.end()); // each once
  problems.erase(std::unique(problems.begin(), problems.end()),
                 problems.end());
  return problems;
}

int64_t write_gap_ms(const std::vector<ledger_entry>& entries, int64_t from_ms,
                     int64_t to_ms) {
  std::map<std::string, std::vector<int64_t>> acked;
  for (const auto& e : entries)
    if (e.status == 201 && e.kind != ledger_entry::reserve)
      acked[e.sku].push_back(e.answered_ms);
  int64_t gap = 0;
  for (auto& [sku, times] : acked) {
    std::sort(times.begin(), times.end());
    for (size_t i = 0; i + 1 < times.size(); ++i)
      if (times[i + 1] >= from_ms && times[i] <= to_ms)
        gap = std::max(gap, times[i + 1] - times[i]);
  }
  return gap;
}

} // namespace doorbuster::testing
