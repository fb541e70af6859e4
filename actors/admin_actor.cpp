#include "actors/admin_actor.hpp"

#include "actors/detail/admin_call.hpp"
#include "actors/detail/put_each.hpp"
#include "actors/inventory.hpp"
#include "telemetry/prometheus_text.hpp"

#include <caf/actor_system.hpp>

#include <spdlog/spdlog.h>

namespace doorbuster::actors {

namespace {

caf::result<std::string> run(admin_self self, const std::string& token,
                             const std::vector<std::string>& words) {
  auto& st = self->state;
  if (!st.deps.token_ok(token)) {
    ++st.deps.stats->denied;
    spdlog::warn("admin: refused a command with a wrong token");
    return admin_failure("unauthorized", "wrong admin token");
  }
  ++st.deps.stats->commands;
  if (words.empty())
    return admin_failure("unknown_command", "no command given");
  const auto* command = find_admin_command(words[0]);
  if (command == nullptr || command->run == nullptr)
    return admin_failure("unknown_command",
                         "no command " + words[0] + " (try help)");
  if (auto problem = check_admin_arguments(*command, words); !problem.empty())
    return admin_failure("bad_arguments", problem);
  admin_call call{self, words, self->make_response_promise()};
  command->run(call);
  return call.promise;
}

admin_actor::behavior_type admin_behavior(admin_self self, admin_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.started = st.last_top = std::chrono::steady_clock::now();
  return {
    [=](admin_atom, const std::string& token,
        const std::vector<std::string>& words) {
      return run(self, token, words);
    },
    // The HTTP admin endpoints; the token was checked there.
    [=](put_atom atm, std::string& sku, domain::product_fields& fields) {
      ++self->state.deps.stats->commands;
      const auto& shard = self->state.deps.inv->shard_for(sku);
      return self->delegate(shard, atm, std::move(sku), std::move(fields));
    },
    [=](patch_atom atm, std::string& sku, domain::product_patch& p) {
      ++self->state.deps.stats->commands;
      const auto& shard = self->state.deps.inv->shard_for(sku);
      return self->delegate(shard, atm, std::move(sku), std::move(p));
    },
    [=](bulk_atom, std::vector<domain::product_entry>& entries)
      -> caf::result<std::vector<domain::write_result>> {
      ++self->state.deps.stats->commands;
      auto promise = self->make_response_promise();
      detail::put_each(
        self, *self->state.deps.inv, std::move(entries),
        caf::duration{bulk_timeout},
        [promise](std::vector<domain::write_result> results) mutable {
          promise.deliver(std::move(results));
        });
      return promise;
    },
    [=](log_atom, const std::string& level) {
      ++self->state.deps.stats->commands;
      return set_log_level(level);
    },
  };
}

} // namespace

std::string admin_metrics(const admin_stats& stats) {
  telemetry::prometheus_text out;
  const char* name = "doorbuster_admin_commands_total";
  out.family(name, "counter", "Operator commands to the admin actor, by result.")
    .sample(name, R"(result="accepted")", stats.commands.load())
    .sample(name, R"(result="unauthorized")", stats.denied.load());
  return out.str();
}

admin_actor spawn_admin_actor(caf::actor_system& sys, admin_deps deps) {
  return sys.spawn(admin_behavior, std::move(deps));
}

} // namespace doorbuster::actors
