// The flash-sale checkout benchmark: one hot SKU with a per-customer limit,
// many simulated customers reserving it; most confirm after a random delay
// (payment), the rest abandon their carts and let the holds expire.
// Customers refused for lack of stock retry until the SKU is sold out;
// some come back for more after buying (and meet the limit). Reports
// reservations/s, confirm latency and the time until sold out, and checks
// that exactly the units were sold and no customer went over the limit (in
// PostgreSQL too with --pg-uri). Exit status 3 if a check fails.
//
// One blocking keep-alive connection per customer thread, with the tests'
// HTTP client (tests/support), so sessions read like a customer's steps.
#include "bench/loadgen/recorder.hpp"
#include "support/http_client.hpp"

#include <boost/program_options.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

namespace po = boost::program_options;
using doorbuster::loadgen::quantile;
using doorbuster::testing::http_client;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;
using bhttp = boost::beast::http::verb;

namespace {

struct settings {
  uint16_t port = 8080;
  std::string token;
  std::string sku = "FLASH-1";
  int64_t units = 10000;
  int64_t limit = 2;
  size_t customers = 20000;
  size_t threads = 400;
  double confirm_share = 0.8;
  double again_share = 0.5; // buyers who come back for more
  int max_delay_ms = 1000;
  int ttl_s = 5;
  int max_wait_s = 60; // a refused customer gives up after this
  std::string pg_uri;
};

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

struct totals {
  std::mutex mtx;
  std::vector<double> reserve_ms, confirm_ms;
  std::map<std::string, int64_t> bought; // per customer, confirmed units
  std::atomic<uint64_t> reserved{0}, refused_stock{0}, refused_limit{0},
    confirmed{0}, abandoned{0}, expired{0}, errors{0};
};

/// One customer's visit; returns once they bought, gave up or sold out.
void visit(const settings& s, http_client& client, const std::string& who,
           std::mt19937& rng, totals& t, const std::atomic<bool>& sold_out,
           clock_type::time_point t0) {
  int64_t quantity = 1 + static_cast<int64_t>(rng() % 2);
  for (int trip = 0; trip < 2; ++trip) {
    json body{{"customer_id", who},
              {"items", json::array({{{"sku", s.sku}, {"quantity", quantity}}})},
              {"ttl_seconds", s.ttl_s}};
    auto start = clock_type::now();
    auto res = client.request(bhttp::post, "/v1/reservations", body.dump());
    double ms = seconds_since(start) * 1000;
    {
      std::lock_guard<std::mutex> guard{t.mtx};
      t.reserve_ms.push_back(ms);
    }
    if (res.status == 409 && res.error_code() == "insufficient_stock") {
      ++t.refused_stock;
      if (sold_out || seconds_since(t0) > s.max_wait_s)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
      --trip; // the same trip again: stock may come back from expiries
      continue;
    }
    if (res.status == 409 && res.error_code() == "limit_exceeded") {
      ++t.refused_limit;
      return;
    }
    if (res.status != 201) {
      ++t.errors;
      return;
    }
    ++t.reserved;
    auto id = res.json()["reservation_id"].get<std::string>();
    if (std::uniform_real_distribution<>{}(rng) >= s.confirm_share) {
      ++t.abandoned; // the cart is left; its hold expires
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{
      std::uniform_int_distribution<>{0, s.max_delay_ms}(rng)});
    start = clock_type::now();
    auto confirm = client.request(bhttp::post,
                                  "/v1/reservations/" + id + "/confirm");
    ms = seconds_since(start) * 1000;
    if (confirm.status == 201) {
      ++t.confirmed;
      std::lock_guard<std::mutex> guard{t.mtx};
      t.confirm_ms.push_back(ms);
      t.bought[who] += quantity;
    } else if (confirm.status == 410) {
      ++t.expired;
    } else {
      ++t.errors;
    }
    if (std::uniform_real_distribution<>{}(rng) >= s.again_share)
      return;
    quantity = 1; // back for one more: within the limit only if they had 1
  }
}

json product(http_client& client, const std::string& sku) {
  return client.get("/v1/products/" + sku).json();
}

} // namespace

int main(int argc, char** argv) {
  settings s;
  po::options_description desc{"doorbuster-flash-checkout options"};
  desc.add_options()("help", "show this")
    ("port", po::value(&s.port)->default_value(s.port), "node's HTTP port")
    ("token", po::value(&s.token), "admin token (or DOORBUSTER_ADMIN_TOKEN)")
    ("sku", po::value(&s.sku)->default_value(s.sku), "the hot SKU (created)")
    ("units", po::value(&s.units)->default_value(s.units), "units on sale")
    ("limit", po::value(&s.limit)->default_value(s.limit),
     "max_per_customer")
    ("customers", po::value(&s.customers)->default_value(s.customers),
     "simulated customers")
    ("threads", po::value(&s.threads)->default_value(s.threads),
     "customers in the shop at once (one connection each)")
    ("confirm-share", po::value(&s.confirm_share)->default_value(0.8),
     "reservations confirmed; the rest are abandoned")
    ("max-delay-ms", po::value(&s.max_delay_ms)->default_value(1000),
     "payment time before a confirm, uniform from 0")
    ("ttl-s", po::value(&s.ttl_s)->default_value(5), "reservation TTL")
    ("pg-uri", po::value(&s.pg_uri), "check the orders in PostgreSQL too");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "doorbuster-flash-checkout: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (s.token.empty())
    if (const char* env = std::getenv("DOORBUSTER_ADMIN_TOKEN"))
      s.token = env;
  http_client admin{s.port};
  auto auth = std::map<std::string, std::string>{
    {"Authorization", "Bearer " + s.token}};
  auto put = admin.request(
    bhttp::put, "/v1/admin/products/" + s.sku,
    json{{"name", "Doorbuster TV"}, {"description", "flash sale"},
         {"category", "flash"}, {"price", 19900}, {"currency", "USD"},
         {"stock", s.units}}.dump(),
    auth);
  auto patch = admin.request(bhttp::patch, "/v1/admin/products/" + s.sku,
                             json{{"max_per_customer", s.limit}}.dump(), auth);
  if (put.status >= 300 || patch.status != 200) {
    std::cerr << "flash-checkout: cannot set up " << s.sku << ": "
              << put.body << patch.body << "\n";
    return 2;
  }

  totals t;
  std::atomic<bool> sold_out{false}, done{false};
  std::atomic<size_t> next{0};
  double sold_out_at = 0;
  auto t0 = clock_type::now();
  std::thread monitor{[&] {
    http_client watch{s.port};
    while (!done && !sold_out) {
      if (product(watch, s.sku)["stock"] == 0) {
        sold_out_at = seconds_since(t0);
        sold_out = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
  }};
  std::vector<std::thread> shoppers;
  for (size_t i = 0; i < s.threads; ++i)
    shoppers.emplace_back([&, i] {
      http_client client{s.port};
      std::mt19937 rng(static_cast<unsigned>(i + 1));
      for (size_t c; (c = next++) < s.customers;)
        try {
          visit(s, client, "fc-" + std::to_string(c), rng, t, sold_out, t0);
        } catch (const std::exception&) {
          ++t.errors;
        }
    });
  for (auto& shopper : shoppers)
    shopper.join();
  double shop_s = seconds_since(t0);
  // Abandoned carts give their units back at expiry.
  auto final_view = product(admin, s.sku);
  for (int i = 0; i < (s.ttl_s + 5) * 10 && final_view["reserved"] != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    final_view = product(admin, s.sku);
  }
  done = true;
  monitor.join();

  int64_t sold = s.units - final_view["stock"].get<int64_t>();
  int64_t over = 0, client_sold = 0;
  for (const auto& [who, units] : t.bought) {
    client_sold += units;
    over += units > s.limit;
  }
  uint64_t attempts = t.reserve_ms.size();
  json out{
    {"customers", s.customers},
    {"units", s.units},
    {"reservation_requests", attempts},
    {"reservations_per_s", attempts / shop_s},
    {"reservations_made", t.reserved.load()},
    {"reserve_p50_ms", quantile(t.reserve_ms, 0.5)},
    {"reserve_p99_ms", quantile(t.reserve_ms, 0.99)},
    {"confirmed", t.confirmed.load()},
    {"confirm_p50_ms", quantile(t.confirm_ms, 0.5)},
    {"confirm_p99_ms", quantile(t.confirm_ms, 0.99)},
    {"abandoned", t.abandoned.load()},
    {"expired_at_confirm", t.expired.load()},
    {"refused_insufficient_stock", t.refused_stock.load()},
    {"refused_limit_exceeded", t.refused_limit.load()},
    {"errors", t.errors.load()},
    {"sold_out_after_s", sold_out ? sold_out_at : -1.0},
    {"run_s", shop_s},
    {"sold", sold},
    {"sold_per_client_ledger", client_sold},
    {"customers_over_limit", over},
    {"reserved_at_end", final_view["reserved"]},
  };
  bool ok = sold == s.units && client_sold == sold && over == 0
            && final_view["reserved"] == 0 && t.errors == 0;
  if (!s.pg_uri.empty()) {
    // Write-behind is asynchronous: wait until PostgreSQL has every sale.
    pqxx::connection pg{s.pg_uri};
    int64_t pg_sold = 0, pg_over = 0;
    for (int i = 0; i < 300; ++i) {
      pqxx::read_transaction tx{pg};
      pg_sold = tx.exec_params1("SELECT coalesce(sum(quantity), 0) FROM "
                                "orders WHERE sku = $1",
                                s.sku)[0]
                  .as<int64_t>();
      pg_over = tx.exec_params1(
                    "SELECT count(*) FROM (SELECT customer_id FROM orders "
                    "WHERE sku = $1 GROUP BY customer_id HAVING "
                    "sum(quantity) > $2) AS over",
                    s.sku, s.limit)[0]
                  .as<int64_t>();
      if (pg_sold >= sold)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    out["pg_sold"] = pg_sold;
    out["pg_customers_over_limit"] = pg_over;
    ok = ok && pg_sold == s.units && pg_over == 0;
  }
  out["ok"] = ok;
  std::cout << out.dump(2) << "\n";
  return ok ? 0 : 3;
}
