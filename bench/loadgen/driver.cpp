#include "driver.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <rapidjson/document.h>

#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <random>

namespace doorbuster::loadgen {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock = std::chrono::steady_clock;
using tcp = net::ip::tcp;

struct job {
  double scheduled; // seconds since start
};

class run_state;

class connection : public std::enable_shared_from_this<connection> {
public:
  connection(net::io_context& ioc, run_state& run) : stream_(ioc), run_(run) {}

  bool busy() const { return busy_; }
  void send(const job& j);

private:
  void start_request();
  void finish(unsigned status);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  run_state& run_;
  bool busy_ = false;
  bool connected_ = false;
  job job_{};
  std::string route_;
  order_seen purchase_;      // the purchase in flight, if route_ is one
  uint64_t expected_ = 0;    // a retry: the order its key got first
};

class run_state {
public:
  run_state(const workload& w, const profile& p, bool open_loop,
            unsigned seed, clock::time_point start, live_counters& live)
    : w_(w), p_(p), open_loop_(open_loop), rng_(seed), start_(start),
      live_(live), timer_(ioc_), seed_(seed) {
    if (w.zipf > 0) {
      double sum = 0;
      cdf_.reserve(w.products);
      for (size_t k = 1; k <= w.products; ++k)
        cdf_.push_back(sum += 1.0 / std::pow(static_cast<double>(k), w.zipf));
      for (auto& c : cdf_)
        c /= sum;
    }
    endpoint_ = tcp::endpoint{net::ip::make_address(w.host), w.port};
  }

  net::io_context& ioc() { return ioc_; }
  const tcp::endpoint& endpoint() const { return endpoint_; }
  recorder& rec() { return rec_; }

  double now() const {
    return std::chrono::duration<double>(clock::now() - start_).count();
  }

  void add_connections(size_t n) {
    for (size_t i = 0; i < n; ++i)
      conns_.push_back(std::make_shared<connection>(ioc_, *this));
  }

  /// Fills `req` with the next request of the workload; returns its route.
  /// For a purchase, `order` gets its SKU, quantity and key, and `expected`
  /// the order id a retried key must be answered with (0: a new key).
  std::string next_request(http::request<http::string_body>& req,
                           order_seen& order, uint64_t& expected) {
    req = {};
    req.version(11);
    req.set(http::field::host, w_.host);
    if (std::uniform_real_distribution<>{}(rng_) < w_.read_share) {
      size_t k;
      if (cdf_.empty()) {
        k = std::uniform_int_distribution<size_t>{1, w_.products}(rng_);
      } else {
        auto u = std::uniform_real_distribution<>{}(rng_);
        k = static_cast<size_t>(
              std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin())
            + 1;
      }
      char target[64];
      std::snprintf(target, sizeof(target), "/v1/products/SKU-%06zu", k);
      req.method(http::verb::get);
      req.target(target);
      return "read";
    }
    std::string customer;
    expected = 0;
    if (!answered_.empty()
        && std::uniform_real_distribution<>{}(rng_) < w_.retry_share) {
      const auto& first = answered_[rng_() % answered_.size()];
      order = first.order;
      customer = first.customer;
      expected = first.order.order_id;
    } else {
      customer = "customer-" + std::to_string(rng_() % w_.customers);
      order.sku = w_.hot_skus[rng_() % w_.hot_skus.size()];
      order.quantity = static_cast<int64_t>(rng_() % 2) + 1;
      order.key = "lg-" + std::to_string(seed_) + "-"
                  + std::to_string(++keys_);
      customer_of_[order.key] = customer; // until it is answered
    }
    req.method(http::verb::post);
    req.target("/v1/products/" + order.sku + "/purchase");
    // As an authenticating gateway would name the buyer (a node started
    // with http.identity-header=X-Authenticated-User believes it).
    req.set("X-Authenticated-User", customer);
    req.set("Idempotency-Key", order.key);
    req.set(http::field::content_type, "application/json");
    req.body() = R"({"quantity":)" + std::to_string(order.quantity)
                 + R"(,"customer_id":")" + customer + "\"}";
    req.prepare_payload();
    return "purchase";
  }

  /// A purchase answered 201 with `body`.
  void ordered(order_seen order, uint64_t expected, const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    if (!doc.IsObject() || !doc.HasMember("order_id")
        || !doc["order_id"].IsUint64())
      return;
    order.order_id = doc["order_id"].GetUint64();
    if (expected != 0) {
      ++ledger_.replays;
      if (order.order_id != expected)
        ++ledger_.replay_mismatches;
      return;
    }
    ledger_.orders.push_back(order);
    if (answered_.size() < 1024)
      answered_.push_back({order, customer_of_.at(order.key)});
    customer_of_.erase(order.key);
  }

  void forget_customer(const std::string& key) { customer_of_.erase(key); }

  ledger& orders() { return ledger_; }

  /// Latency counts from the scheduled time (open loop) or the send time
  /// (closed loop), which is what `j.scheduled` holds.
  void completed(const job& j, const std::string& route, unsigned status) {
    double t = now();
    auto o = classify(status);
    rec_.completed(static_cast<size_t>(t), route, o,
                   (t - j.scheduled) * 1000.0);
    live_.observe(o, (t - j.scheduled) * 1000.0);
  }

  /// The next job for an idle connection, if any.
  bool take(job& j) {
    if (open_loop_) {
      if (pending_.empty())
        return false;
      j = pending_.front();
      pending_.pop_front();
      return true;
    }
    double t = now();
    if (t >= p_.duration)
      return false;
    j.scheduled = t;
    rec_.offered(static_cast<size_t>(t));
    ++live_.offered;
    return true;
  }

  void run(std::chrono::milliseconds drain) {
    tick();
    if (!open_loop_)
      for (auto& c : conns_) {
        job j;
        if (take(j))
          c->send(j);
      }
    drain_ = drain;
    ioc_.run();
  }

  bool all_idle() const {
    for (const auto& c : conns_)
      if (c->busy())
        return false;
    return true;
  }

private:
  void tick() {
    double t = now();
    if (open_loop_) {
      while (next_ <= t && next_ < p_.duration) {
        pending_.push_back({next_});
        rec_.offered(static_cast<size_t>(next_));
        ++live_.offered;
        next_ = p_.next_send(next_);
      }
      for (auto& c : conns_) {
        if (pending_.empty())
          break;
        if (!c->busy()) {
          job j;
          take(j);
          c->send(j);
        }
      }
    }
    bool over = t >= p_.duration;
    if (over && (all_idle() || t >= p_.duration + drain_.count() / 1000.0)) {
      ioc_.stop();
      return;
    }
    timer_.expires_after(std::chrono::microseconds{500});
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec)
        tick();
    });
  }

  const workload& w_;
  profile p_;
  bool open_loop_;
  std::mt19937_64 rng_;
  clock::time_point start_;
  live_counters& live_;
  net::io_context ioc_{1};
  net::steady_timer timer_;
  tcp::endpoint endpoint_;
  std::vector<double> cdf_;
  std::vector<std::shared_ptr<connection>> conns_;
  std::deque<job> pending_;
  double next_ = 0;
  recorder rec_;
  ledger ledger_;
  struct answered {
    order_seen order;
    std::string customer;
  };
  std::vector<answered> answered_; // keys that may be retried
  std::map<std::string, std::string> customer_of_; // in-flight new keys
  unsigned seed_ = 0;
  uint64_t keys_ = 0;
  std::chrono::milliseconds drain_{0};
};

void connection::send(const job& j) {
  busy_ = true;
  job_ = j;
  route_ = run_.next_request(req_, purchase_, expected_);
  if (connected_) {
    start_request();
    return;
  }
  stream_.async_connect(run_.endpoint(),
                        [self = shared_from_this()](beast::error_code ec) {
                          if (ec)
                            return self->finish(0);
                          self->connected_ = true;
                          self->stream_.socket().set_option(
                            tcp::no_delay{true});
                          self->start_request();
                        });
}

void connection::start_request() {
  stream_.expires_after(std::chrono::seconds{30});
  http::async_write(stream_, req_,
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (ec)
                        return self->finish(0);
                      self->res_ = {};
                      http::async_read(
                        self->stream_, self->buffer_, self->res_,
                        [self](beast::error_code ec, size_t) {
                          self->finish(ec ? 0 : self->res_.result_int());
                        });
                    });
}

void connection::finish(unsigned status) {
  if (status == 0 || !res_.keep_alive()) {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    connected_ = false;
  }
  if (route_ == "purchase") {
    if (status == 201)
      run_.ordered(purchase_, expected_, res_.body());
    else if (expected_ == 0)
      run_.forget_customer(purchase_.key);
  }
  run_.completed(job_, route_, status);
  busy_ = false;
  job next;
  if (run_.take(next))
    send(next);
}

} // namespace

void live_counters::observe(outcome o, double latency_ms) {
  ++completed;
  ++outcomes[static_cast<size_t>(o)];
  auto bucket = latency_ms <= 0.1
                  ? 0
                  : static_cast<size_t>(4 * std::log2(latency_ms / 0.1)) + 1;
  ++latency[std::min(bucket, latency.size() - 1)];
}

double live_counters::p99_ms() const {
  uint64_t total = 0;
  for (const auto& b : latency)
    total += b;
  uint64_t seen = 0;
  for (size_t i = 0; i < latency.size(); ++i) {
    seen += latency[i];
    if (total > 0 && seen * 100 >= total * 99)
      return 0.1 * std::pow(2.0, static_cast<double>(i) / 4);
  }
  return 0;
}

driver_result run_driver(const workload& w, const profile& p,
                         size_t connections,
                    bool open_loop, unsigned seed, clock::time_point start,
                    live_counters& live, std::chrono::milliseconds drain) {
  run_state run{w, p, open_loop, seed, start, live};
  run.add_connections(connections);
  run.run(drain);
  return {std::move(run.rec()), std::move(run.orders())};
}

} // namespace doorbuster::loadgen
