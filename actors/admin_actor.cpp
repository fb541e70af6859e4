#include "actors/admin_actor.hpp"

#include "actors/inventory.hpp"
#include "actors/protocol.hpp"
#include "actors/wall_time.hpp"
#include "telemetry/prometheus_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <unordered_map>

namespace doorbuster::actors {

namespace {

using done_atom = caf::atom_constant<caf::atom("done")>;
using bulk_atom = caf::atom_constant<caf::atom("bulk")>;
using log_atom = caf::atom_constant<caf::atom("log")>;

} // namespace
} // namespace doorbuster::actors

// Local only (the HTTP admin endpoints); the rest is in actors/protocol.hpp.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  std::vector<doorbuster::actors::admin_desk::product_entry>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::reply_fn<
                              std::vector<doorbuster::actors::write_result>>)

namespace doorbuster::actors {

namespace {
using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string failure(const std::string& code, const std::string& message) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("ok");
  w.Bool(false);
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(code.c_str());
  w.Key("message");
  w.String(message.c_str());
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string success(const std::string& result_json) {
  return R"({"ok":true,"result":)" + result_json + "}";
}

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

std::optional<int64_t> number(const std::string& text) {
  int64_t value = 0;
  auto begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

struct admin_state {
  inventory* inv = nullptr;
  admin_hooks hooks;
  admin_stats* stats = nullptr;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point last_top;
  uint64_t next_promise = 0;
  std::unordered_map<uint64_t, caf::response_promise> pending;
};

using self_ptr = caf::stateful_actor<admin_state>*;

/// A callback (from any thread) that answers the waiting request.
std::function<void(std::string)> answer_later(self_ptr self) {
  auto id = ++self->state.next_promise;
  self->state.pending.emplace(id, self->make_response_promise());
  return [self_handle = caf::actor_cast<caf::actor>(self), id](std::string j) {
    caf::anon_send(self_handle, done_atom::value, id, std::move(j));
  };
}

const char* usage_of(const std::string& command) {
  static const std::unordered_map<std::string, const char*> usage{
    {"product", "product <sku>"},
    {"set-stock", "set-stock <sku> <units>"},
    {"adjust-stock", "adjust-stock <sku> <+/-units>"},
    {"set-price", "set-price <sku> <minor units>"},
    {"pause", "pause <sku>"},
    {"resume", "resume <sku>"},
    {"sale-window",
     "sale-window <sku> <start|none> <end|none> (UTC, 2026-11-27T08:00:00Z)"},
    {"log-level", "log-level <trace|debug|info|warn|error|critical|off>"},
    {"top", "top [count]"},
    {"skus", "skus [prefix]"},
  };
  auto i = usage.find(command);
  return i == usage.end() ? command.c_str() : i->second;
}

/// Sets spdlog's level; empty on success, else why not.
std::string set_level(const std::string& name) {
  auto level = spdlog::level::from_str(name);
  if (level == spdlog::level::off && name != "off")
    return "level must be one of trace, debug, info, warn, error, critical, "
           "off";
  spdlog::set_level(level);
  spdlog::info("admin: log level set to {}", name);
  return {};
}

/// A product change through the inventory, journaled like PATCH.
void patch(self_ptr self, const std::string& sku, product_patch p) {
  auto reply = answer_later(self);
  self->state.inv->patch_product(sku, std::move(p), [reply, sku](
                                                      write_result res) {
    if (res.error == errc::ok)
      reply(success(res.doc->json));
    else if (res.error == errc::unknown_sku)
      reply(failure("unknown_sku", "no product with SKU " + sku));
    else
      reply(failure(std::string{to_code(res.error)},
                    "refused: " + std::string{to_code(res.error)}
                      + " (available " + std::to_string(res.available)
                      + ")"));
  });
}

std::optional<std::string> run(self_ptr self,
                               const std::vector<std::string>& words) {
  auto& st = self->state;
  const auto& cmd = words[0];
  auto args = words.size() - 1;
  auto bad_args = [&] {
    return failure("bad_arguments", std::string{"usage: "} + usage_of(cmd));
  };
  if (cmd == "status") {
    auto reply = answer_later(self);
    auto uptime = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - st.started)
                    .count();
    auto node = st.hooks.node_status();
    st.inv->shard_reports([reply, uptime, node](std::vector<shard_report> rs) {
      shard_report sum;
      for (const auto& r : rs) {
        sum.products += r.products;
        sum.queued += r.queued;
        sum.max_depth = std::max(sum.max_depth, r.max_depth);
      }
      reply(success(object([&](json_writer& w) {
        w.Key("uptime_s");
        w.Double(uptime);
        w.Key("products");
        w.Uint64(sum.products);
        w.Key("shards");
        w.Uint64(rs.size());
        w.Key("queued");
        w.Int64(sum.queued);
        w.Key("max_queue_depth");
        w.Int64(sum.max_depth);
        w.Key("node");
        w.RawValue(node.c_str(), node.size(), rapidjson::kObjectType);
      })));
    });
    return std::nullopt;
  }
  if (cmd == "shards") {
    auto reply = answer_later(self);
    st.inv->shard_reports([reply](std::vector<shard_report> rs) {
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
        w.Uint64(rs[i].products);
        w.Key("queued");
        w.Int64(rs[i].queued);
        w.Key("max_mailbox");
        w.Int64(rs[i].max_depth);
        w.Key("requests");
        w.Uint64(rs[i].requests);
        w.EndObject();
      }
      w.EndArray();
      reply(success({buf.GetString(), buf.GetSize()}));
    });
    return std::nullopt;
  }
  if (cmd == "top") {
    size_t n = 10;
    if (args > 1)
      return bad_args();
    if (args == 1) {
      auto given = number(words[1]);
      if (!given || *given < 1 || *given > 1000)
        return failure("bad_number", "count must be 1 to 1000: " + words[1]);
      n = static_cast<size_t>(*given);
    }
    auto now = std::chrono::steady_clock::now();
    auto window = std::chrono::duration<double>(now - st.last_top).count();
    st.last_top = now;
    auto reply = answer_later(self);
    st.inv->hot_products(n, [reply, window](std::vector<product_heat> hot) {
      reply(success(object([&](json_writer& w) {
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
      })));
    });
    return std::nullopt;
  }
  if (cmd == "skus") {
    if (args > 1)
      return bad_args();
    auto prefix = args == 1 ? words[1] : std::string{};
    listing_query q;
    q.limit = 100;
    // Listings resume after a SKU: start just before the prefix.
    q.after = prefix;
    if (!q.after.empty())
      q.after.back() = static_cast<char>(q.after.back() - 1);
    auto reply = answer_later(self);
    st.inv->list_products(std::move(q), [reply, prefix](listing page) {
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
      reply(success({buf.GetString(), buf.GetSize()}));
    });
    return std::nullopt;
  }
  if (cmd == "product") {
    if (args != 1)
      return bad_args();
    auto reply = answer_later(self);
    st.inv->inspect(words[1], [reply, sku = words[1]](std::string state) {
      reply(state.empty() ? failure("unknown_sku", "no product with SKU " + sku)
                          : success(state));
    });
    return std::nullopt;
  }
  if (cmd == "set-stock" || cmd == "adjust-stock" || cmd == "set-price") {
    if (args != 2)
      return bad_args();
    auto value = number(words[2]);
    if (!value)
      return failure("bad_number", "not a whole number: " + words[2]);
    product_patch p;
    if (cmd == "adjust-stock") {
      if (*value < -max_amount || *value > max_amount)
        return failure("bad_number", "out of range: " + words[2]);
      p.stock_delta = *value;
    } else {
      if (*value < 0 || *value > max_amount)
        return failure("bad_number",
                       "must be from 0 to " + std::to_string(max_amount));
      (cmd == "set-stock" ? p.stock : p.price) = *value;
    }
    patch(self, words[1], std::move(p));
    return std::nullopt;
  }
  if (cmd == "pause" || cmd == "resume") {
    if (args != 1)
      return bad_args();
    product_patch p;
    p.paused = cmd == "pause";
    patch(self, words[1], std::move(p));
    return std::nullopt;
  }
  if (cmd == "sale-window") {
    if (args != 3)
      return bad_args();
    product_patch p;
    for (int i : {0, 1}) {
      const auto& text = words[2 + i];
      int64_t at = 0;
      if (text != "none") {
        auto parsed = parse_utc(text);
        if (!parsed)
          return failure("bad_time", "not a UTC time like "
                                     "2026-11-27T08:00:00Z: "
                                       + text);
        at = *parsed;
      }
      (i == 0 ? p.sale_starts_at_ms : p.sale_ends_at_ms) = at;
    }
    if (*p.sale_starts_at_ms != 0 && *p.sale_ends_at_ms != 0
        && *p.sale_ends_at_ms <= *p.sale_starts_at_ms)
      return failure("bad_time", "the end must be after the start");
    patch(self, words[1], std::move(p));
    return std::nullopt;
  }
  if (cmd == "flush" || cmd == "snapshot") {
    if (args != 0)
      return bad_args();
    auto reply = answer_later(self);
    (cmd == "flush" ? st.hooks.flush : st.hooks.snapshot)(
      [reply](std::string error, uint64_t seq) {
        if (!error.empty()) {
          reply(failure("not_done", error));
          return;
        }
        reply(success(object([seq](json_writer& w) {
          w.Key("record");
          w.Uint64(seq);
        })));
      });
    return std::nullopt;
  }
  if (cmd == "log-level") {
    if (args != 1)
      return bad_args();
    if (auto problem = set_level(words[1]); !problem.empty())
      return failure("bad_arguments", problem);
    return success(object([&](json_writer& w) {
      w.Key("level");
      w.String(words[1].c_str());
    }));
  }
  if (cmd == "drain" || cmd == "undrain") {
    if (args != 0)
      return bad_args();
    bool on = cmd == "drain";
    st.hooks.set_draining(on);
    spdlog::warn("admin: {}", on ? "draining: new writes are refused"
                                 : "writes admitted again");
    return success(object([on](json_writer& w) {
      w.Key("draining");
      w.Bool(on);
    }));
  }
  return failure("unknown_command", "no command " + cmd + " (try help)");
}

caf::behavior admin_behavior(self_ptr self, inventory* inv, admin_hooks hooks,
                             admin_stats* stats) {
  auto& st = self->state;
  st.inv = inv;
  st.hooks = std::move(hooks);
  st.stats = stats;
  st.started = st.last_top = std::chrono::steady_clock::now();
  return {
    [=](admin_atom, const std::string& token,
        const std::vector<std::string>& words) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.hooks.token_ok(token)) {
        ++st.stats->denied;
        spdlog::warn("admin: refused a command with a wrong token");
        return failure("unauthorized", "wrong admin token");
      }
      ++st.stats->commands;
      if (words.empty())
        return failure("unknown_command", "no command given");
      if (auto now = run(self, words))
        return *now;
      return caf::delegated<std::string>{};
    },
    // The HTTP admin endpoints (admin_desk); the token was checked there.
    [=](put_atom, std::string& sku, product_fields& fields,
        reply_fn<write_result>& reply) {
      ++self->state.stats->commands;
      self->state.inv->put_product(std::move(sku), std::move(fields),
                                   std::move(reply));
    },
    [=](patch_atom, std::string& sku, product_patch& p,
        reply_fn<write_result>& reply) {
      ++self->state.stats->commands;
      self->state.inv->patch_product(std::move(sku), std::move(p),
                                     std::move(reply));
    },
    [=](bulk_atom, std::vector<admin_desk::product_entry>& entries,
        reply_fn<std::vector<write_result>>& reply) {
      ++self->state.stats->commands;
      self->state.inv->put_many(std::move(entries), std::move(reply));
    },
    [=](log_atom, const std::string& level, const reply_fn<std::string>& reply) {
      ++self->state.stats->commands;
      reply(set_level(level));
    },
    [=](done_atom, uint64_t id, std::string& answer) {
      auto& pending = self->state.pending;
      auto i = pending.find(id);
      if (i == pending.end())
        return;
      i->second.deliver(std::move(answer));
      pending.erase(i);
    },
  };
}

} // namespace

void admin_desk::put_product(std::string sku, product_fields fields,
                             reply_fn<write_result> reply) {
  caf::anon_send(admin_, put_atom::value, std::move(sku), std::move(fields),
                 std::move(reply));
}

void admin_desk::patch_product(std::string sku, product_patch patch,
                               reply_fn<write_result> reply) {
  caf::anon_send(admin_, patch_atom::value, std::move(sku), std::move(patch),
                 std::move(reply));
}

void admin_desk::put_many(std::vector<product_entry> entries,
                          reply_fn<std::vector<write_result>> reply) {
  caf::anon_send(admin_, bulk_atom::value, std::move(entries),
                 std::move(reply));
}

void admin_desk::set_log_level(std::string level,
                               reply_fn<std::string> reply) {
  caf::anon_send(admin_, log_atom::value, std::move(level), std::move(reply));
}

std::string admin_metrics(const admin_stats& stats) {
  telemetry::prometheus_text out;
  const char* name = "doorbuster_admin_commands_total";
  out.family(name, "counter", "Operator commands to the admin actor, by result.")
    .sample(name, R"(result="accepted")", stats.commands.load())
    .sample(name, R"(result="unauthorized")", stats.denied.load());
  return out.str();
}

caf::actor spawn_admin_actor(caf::actor_system& sys, inventory& inv,
                             admin_hooks hooks, admin_stats& stats) {
  return sys.spawn(admin_behavior, &inv, std::move(hooks), &stats);
}

} // namespace doorbuster::actors
