#include "actors/inventory.hpp"

#include "actors/catalog_pool.hpp"
#include "actors/order_ids.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_map.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include <atomic>

namespace doorbuster::actors {

struct inventory::impl {
  impl(caf::actor_system& sys, const inventory_options& opts)
    : ids(opts.generation),
      catalog(sys, opts.catalog_workers),
      shards(make_shards(sys, opts)) {}

  std::vector<shard_actor> make_shards(caf::actor_system& sys,
                                       const inventory_options& opts) {
    product_actor_deps deps{catalog.updates(), &ids, opts.idempotency_keys};
    std::vector<shard_actor> result;
    result.reserve(opts.shards);
    for (size_t i = 0; i < opts.shards; ++i)
      result.push_back(spawn_shard_actor(sys, deps));
    return result;
  }

  order_ids ids;
  catalog_pool catalog;
  shard_map shards;
};

inventory::inventory(caf::actor_system& sys, const inventory_options& opts)
  : impl_(std::make_unique<impl>(sys, opts)) {}

inventory::~inventory() = default;

void inventory::get_product(std::string sku, reply_fn<product_doc_ptr> reply) {
  caf::anon_send(impl_->catalog.reads(), get_atom::value, std::move(sku),
                 std::move(reply));
}

void inventory::list_products(listing_query query, reply_fn<listing> reply) {
  caf::anon_send(impl_->catalog.reads(), list_atom::value, std::move(query),
                 std::move(reply));
}

void inventory::categories(reply_fn<std::string> reply) {
  caf::anon_send(impl_->catalog.reads(), categ_atom::value, std::move(reply));
}

void inventory::purchase(purchase_request req,
                         reply_fn<purchase_result> reply) {
  const auto& shard = impl_->shards.route(req.sku);
  caf::anon_send(shard, purchase_atom::value, std::move(req),
                 std::move(reply));
}

void inventory::put_product(std::string sku, product_fields fields,
                            reply_fn<write_result> reply) {
  const auto& shard = impl_->shards.route(sku);
  caf::anon_send(shard, put_atom::value, std::move(sku), std::move(fields),
                 std::move(reply));
}

void inventory::patch_product(std::string sku, product_patch patch,
                              reply_fn<write_result> reply) {
  const auto& shard = impl_->shards.route(sku);
  caf::anon_send(shard, patch_atom::value, std::move(sku), std::move(patch),
                 std::move(reply));
}

void inventory::put_many(std::vector<product_entry> entries,
                         reply_fn<std::vector<write_result>> reply) {
  // Replies arrive on several actor threads; the last one answers.
  struct gather {
    std::vector<write_result> results;
    std::atomic<size_t> pending;
    reply_fn<std::vector<write_result>> reply;
  };
  auto state = std::make_shared<gather>();
  state->results.resize(entries.size());
  state->pending = entries.size();
  state->reply = std::move(reply);
  if (entries.empty()) {
    state->reply({});
    return;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& [sku, fields] = entries[i];
    put_product(std::move(sku), std::move(fields),
                [state, i](write_result res) {
                  state->results[i] = std::move(res);
                  if (state->pending.fetch_sub(1, std::memory_order_acq_rel)
                      == 1)
                    state->reply(std::move(state->results));
                });
  }
}

void inventory::stop() {
  for (const auto& shard : impl_->shards.shards())
    caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  impl_->catalog.stop();
}

} // namespace doorbuster::actors
