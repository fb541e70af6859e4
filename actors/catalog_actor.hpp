// One catalog actor: answers reads from the node's shared_catalog of
// pre-rendered documents. Product actors' updates change it, through the
// one catalog actor that takes updates (the writer).
#pragma once

#include "actors/atoms.hpp"
#include "domain/type_ids.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <memory>
#include <string>
#include <vector>

namespace doorbuster::actors {

/// update: a product's new document, or many (older versions never replace
///   newer); the writer only. Answered once applied: a product answers its
///   buyer after that, so the buyer's next read sees the change.
/// get: a product's document, null for an unknown SKU
/// list: a page of products in SKU order
/// categories: `[{"name":...,"count":...},...]`, sorted by name
/// Documents cross a wire by value (domain/product.hpp): other nodes' owners
/// can push their products' documents here.
using catalog_actor = caf::typed_actor<
  caf::replies_to<update_atom, domain::product_doc_ptr>::with<uint64_t>,
  caf::replies_to<update_atom, std::vector<domain::product_doc_ptr>>::with<
    uint64_t>,
  caf::replies_to<get_atom, std::string>::with<domain::product_doc_ptr>,
  caf::replies_to<list_atom, domain::listing_query>::with<domain::listing>,
  caf::replies_to<categ_atom>::with<std::string>>;

/// Where a product's new documents go besides its node's catalog: the
/// cluster's push to the other nodes.
using catalog_sink
  = caf::typed_actor<caf::reacts_to<update_atom, domain::product_doc_ptr>>;

class shared_catalog;
struct catalog_stats;

/// `stats` must outlive the actor.
catalog_actor spawn_catalog_actor(caf::actor_system& sys,
                                  std::shared_ptr<shared_catalog> catalog,
                                  catalog_stats* stats);

} // namespace doorbuster::actors
