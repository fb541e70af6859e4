// One handler per operator command. Each runs in the admin actor; those
// that need other actors ask them with a timeout and answer from the
// continuation, also in the admin actor.
#include "actors/detail/admin_call.hpp"

#include "actors/admin_arguments.hpp"
#include "actors/gather.hpp"
#include "actors/inventory.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <tuple>

namespace doorbuster::actors {

namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// An operator waits at a prompt; a node this slow answers "not done".
constexpr auto admin_timeout = std::chrono::seconds{10};

/// Renders one JSON object with `fill`.
template <class Fill>
std::string object(Fill fill) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  fill(w);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

/// Every shard's report, in shard order (a silent shard reports nothing).
template <class Done>
void shard_reports(admin_call& call, Done done) {
  auto self = call.self;
  const auto& shards = self->state.deps.inv->shards();
  gather<domain::shard_report>(
    shards.size(),
    [self, &shards](size_t i) {
      return self->request(shards[i], admin_timeout, report_atom::value);
    },
    [](size_t, const caf::error&) { return domain::shard_report{}; },
    std::move(done));
}

/// A product change, journaled like PATCH.
void patch(admin_call& call, const std::string& sku, domain::product_patch p) {
  auto self = call.self;
  self
    ->request(self->state.deps.inv->shard_for(sku), admin_timeout,
              patch_atom::value, sku, std::move(p))
    .then(
      [call = call, sku](domain::write_result& res) mutable {
        using domain::errc;
        if (res.error == errc::ok)
          call.succeed(res.doc->json());
        else if (res.error == errc::unknown_sku)
          call.fail("unknown_sku", "no product with SKU " + sku);
        else
          call.fail(std::string{to_code(res.error)},
                    "refused: " + std::string{to_code(res.error)}
                      + " (available " + std::to_string(res.available)
                      + ")");
      },
      [call = call](caf::error& err) mutable {
        call.fail("not_done", call.self->system().render(err));
      });
}

/// What flush and snapshot answer: the record the store holds. Write-behind
/// may take its full 5 s; admin_timeout allows for that and a little.
template <class Atom>
void record_answer(admin_call& call, Atom atom, const char* what) {
  auto self = call.self;
  self->request(self->state.deps.writebehind, admin_timeout, atom)
    .then(
      [call = call](std::string& error, uint64_t seq) mutable {
        if (!error.empty()) {
          call.fail("not_done", error);
          return;
        }
        call.succeed(object([seq](json_writer& w) {
          w.Key("record");
          w.Uint64(seq);
        }));
      },
      [call = call, what](caf::error& err) mutable {
        call.fail("not_done", std::string{what} + ": "
                                + call.self->system().render(err));
      });
}

void set_drain(admin_call& call, bool on) {
  call.self->state.deps.set_draining(on);
  spdlog::warn("admin: {}", on ? "draining: new writes are refused"
                               : "writes admitted again");
  call.succeed(object([on](json_writer& w) {
    w.Key("draining");
    w.Bool(on);
  }));
}

} // namespace

void admin_call::succeed(const std::string& result_json) {
  promise.deliver(admin_success(result_json));
}

void admin_call::fail(const std::string& code, const std::string& message) {
  promise.deliver(admin_failure(code, message));
}

std::string admin_success(const std::string& result_json) {
  return R"({"ok":true,"result":)" + result_json + "}";
}

std::string admin_failure(const std::string& code,
                          const std::string& message) {
  return object([&](json_writer& w) {
    w.Key("ok");
    w.Bool(false);
    w.Key("error");
    w.StartObject();
    w.Key("code");
    w.String(code.c_str());
    w.Key("message");
    w.String(message.c_str());
    w.EndObject();
  });
}

std::string set_log_level(const std::string& name) {
  auto level = spdlog::level::from_str(name);
  if (level == spdlog::level::off && name != "off")
    return "level must be one of trace, debug, info, warn, error, critical, "
           "off";
  spdlog::set_level(level);
  spdlog::info("admin: log level set to {}", name);
  return {};
}

namespace admin_handlers {

void status(admin_call& call) {
  auto& st = call.self->state;
  auto uptime = std::chrono::duration<double>(
                  std::chrono::steady_clock::now() - st.started)
                  .count();
  auto node = st.deps.node_status();
  shard_reports(call, [call = call, uptime, node](
                        std::vector<domain::shard_report> rs) mutable {
    domain::shard_report sum;
    for (const auto& r : rs) {
      sum.products += r.products;
      sum.active += r.active;
      sum.queued += r.queued;
      sum.max_depth = std::max(sum.max_depth, r.max_depth);
    }
    call.succeed(object([&](json_writer& w) {
      w.Key("uptime_s");
      w.Double(uptime);
      w.Key("products");
      w.Uint64(sum.products);
      w.Key("active_products");
      w.Uint64(sum.active);
      w.Key("passive_products");
      w.Uint64(sum.products - sum.active);
      w.Key("shards");
      w.Uint64(rs.size());
      w.Key("queued");
      w.Int64(sum.queued);
      w.Key("max_queue_depth");
      w.Int64(sum.max_depth);
      w.Key("node");
      w.RawValue(node.c_str(), node.size(), rapidjson::kObjectType);
    }));
  });
}

void cluster(admin_call& call) {
  const auto& status = call.self->state.deps.cluster_status;
  if (!status) {
    call.fail("not_clustered",
              "this node runs alone (cluster.enabled is off)");
    return;
  }
  call.succeed(status());
}

void shards(admin_call& call) {
  shard_reports(call, [call = call](
                        std::vector<domain::shard_report> rs) mutable {
    rapidjson::StringBuffer buf;
    json_writer w{buf};
    w.StartArray();
    for (size_t i = 0; i < rs.size(); ++i) {
      w.StartObject();
      w.Key("shard");
      w.Uint64(i);
      w.Key("products");
      w.Uint64(rs[i].products);
      w.Key("active_actors");
      w.Uint64(rs[i].active);
      w.Key("passive_products");
      w.Uint64(rs[i].products - rs[i].active);
      w.Key("queued");
      w.Int64(rs[i].queued);
      w.Key("max_mailbox");
      w.Int64(rs[i].max_depth);
      w.Key("requests");
      w.Uint64(rs[i].requests);
      w.EndObject();
    }
    w.EndArray();
    call.succeed({buf.GetString(), buf.GetSize()});
  });
}

void top(admin_call& call) {
  auto self = call.self;
  uint64_t n = 0;
  if (auto refused = top_count(call.words, n)) {
    call.fail(refused->code, refused->message);
    return;
  }
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  auto window = std::chrono::duration<double>(now - st.last_top).count();
  st.last_top = now;
  const auto& shards = st.deps.inv->shards();
  gather<std::vector<domain::product_heat>>(
    shards.size(),
    [self, &shards, n](size_t i) {
      return self->request(shards[i], admin_timeout, hot_atom::value, n);
    },
    [](size_t, const caf::error&) {
      return std::vector<domain::product_heat>{};
    },
    [call = call, n, window](
      std::vector<std::vector<domain::product_heat>> per_shard) mutable {
      std::vector<domain::product_heat> hot;
      for (auto& part : per_shard)
        hot.insert(hot.end(), part.begin(), part.end());
      std::sort(hot.begin(), hot.end(), [](const auto& a, const auto& b) {
        return std::tie(a.requests, a.depth) > std::tie(b.requests, b.depth);
      });
      if (hot.size() > n)
        hot.resize(n);
      call.succeed(object([&](json_writer& w) {
        w.Key("window_s");
        w.Double(window);
        w.Key("products");
        w.StartArray();
        for (const auto& h : hot) {
          w.StartObject();
          w.Key("sku");
          w.String(h.sku.c_str());
          w.Key("requests_per_s");
          w.Double(window > 0 ? static_cast<double>(h.requests) / window : 0);
          w.Key("mailbox");
          w.Int64(h.depth);
          w.EndObject();
        }
        w.EndArray();
      }));
    });
}

void product(admin_call& call) {
  auto self = call.self;
  const auto& sku = call.words[1];
  self
    ->request(self->state.deps.inv->shard_for(sku), admin_timeout,
              inspect_atom::value, sku)
    .then(
      [call = call, sku](std::string& state) mutable {
        if (state.empty())
          call.fail("unknown_sku", "no product with SKU " + sku);
        else
          call.succeed(state);
      },
      [call = call](caf::error& err) mutable {
        call.fail("not_done", call.self->system().render(err));
      });
}

void skus(admin_call& call) {
  auto self = call.self;
  auto prefix = call.words.size() == 2 ? call.words[1] : std::string{};
  domain::listing_query q;
  if (auto refused = skus_query(call.words, q)) {
    call.fail(refused->code, refused->message);
    return;
  }
  self
    ->request(self->state.deps.inv->catalog(), admin_timeout,
              list_atom::value, std::move(q))
    .then(
      [call = call, prefix](domain::listing& page) mutable {
        rapidjson::Document doc;
        doc.Parse(page.items_json.c_str());
        rapidjson::StringBuffer buf;
        json_writer w{buf};
        w.StartArray();
        if (doc.IsArray())
          for (const auto& item : doc.GetArray()) {
            std::string sku = item["sku"].GetString();
            if (sku.compare(0, prefix.size(), prefix) == 0)
              w.String(sku.c_str());
          }
        w.EndArray();
        call.succeed({buf.GetString(), buf.GetSize()});
      },
      [call = call](caf::error& err) mutable {
        call.fail("not_done", call.self->system().render(err));
      });
}

void change_product(admin_call& call) {
  domain::product_patch p;
  if (auto refused = product_change(call.words, p)) {
    call.fail(refused->code, refused->message);
    return;
  }
  patch(call, call.words[1], std::move(p));
}

void flush(admin_call& call) {
  record_answer(call, persistence::flush_atom::value, "flush");
}

void snapshot(admin_call& call) {
  record_answer(call, persistence::snap_atom::value, "snapshot");
}

void log_level(admin_call& call) {
  const auto& level = call.words[1];
  if (auto problem = set_log_level(level); !problem.empty()) {
    call.fail("bad_arguments", problem);
    return;
  }
  call.succeed(object([&](json_writer& w) {
    w.Key("level");
    w.String(level.c_str());
  }));
}

void drain(admin_call& call) {
  set_drain(call, true);
}

void undrain(admin_call& call) {
  set_drain(call, false);
}

} // namespace admin_handlers
} // namespace doorbuster::actors
