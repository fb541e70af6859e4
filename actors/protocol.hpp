// The messages between the node's actors. Every request carries its reply_fn:
// callers outside the actor system (HTTP io threads) never block on a reply.
// All of these messages are node-local, so they are allowed as unsafe
// (non-serializable) types; cross-node messages will get inspect overloads.
#pragma once

#include "actors/checkout_types.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/typed_actor.hpp>

namespace doorbuster::actors {

using purchase_atom = caf::atom_constant<caf::atom("purchase")>;
using put_atom = caf::atom_constant<caf::atom("put")>;
using patch_atom = caf::atom_constant<caf::atom("patch")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using categ_atom = caf::atom_constant<caf::atom("categories")>;
using restore_atom = caf::atom_constant<caf::atom("restore")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using step_atom = caf::atom_constant<caf::atom("step")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using hot_atom = caf::atom_constant<caf::atom("hot")>;
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;

/// Spoken by product actors and by the shards that route to them by SKU.
using product_actor = caf::typed_actor<
  caf::reacts_to<purchase_atom, purchase_request, reply_fn<purchase_result>>,
  caf::reacts_to<put_atom, std::string, product_fields, reply_fn<write_result>>,
  caf::reacts_to<patch_atom, std::string, product_patch,
                 reply_fn<write_result>>,
  caf::reacts_to<restore_atom, restored_product, reply_fn<uint64_t>>,
  caf::reacts_to<hold_atom, hold_request, reply_fn<line_result>>,
  caf::reacts_to<step_atom, hold_command, reply_fn<line_result>>,
  caf::reacts_to<inspect_atom, std::string, reply_fn<std::string>>>;

/// A shard speaks the product protocol (it forwards by SKU) and answers
/// operators' questions about its products.
using shard_actor = product_actor::extend<
  caf::reacts_to<report_atom, reply_fn<shard_report>>,
  caf::reacts_to<hot_atom, size_t, reply_fn<std::vector<product_heat>>>>;

/// Spoken by each catalog actor; reads reach one of them through the pool,
/// updates reach all of them.
using catalog_actor = caf::typed_actor<
  caf::reacts_to<update_atom, product_doc_ptr>,
  caf::reacts_to<get_atom, std::string, reply_fn<product_doc_ptr>>,
  caf::reacts_to<list_atom, listing_query, reply_fn<listing>>,
  caf::reacts_to<categ_atom, reply_fn<std::string>>>;

} // namespace doorbuster::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::purchase_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::product_fields)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::product_patch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::listing_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::restored_product)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::reply_fn<uint64_t>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::product_doc_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  doorbuster::actors::reply_fn<doorbuster::actors::purchase_result>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  doorbuster::actors::reply_fn<doorbuster::actors::write_result>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  doorbuster::actors::reply_fn<doorbuster::actors::product_doc_ptr>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  doorbuster::actors::reply_fn<doorbuster::actors::listing>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::reply_fn<std::string>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::hold_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  doorbuster::actors::reply_fn<doorbuster::actors::shard_report>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::reply_fn<
                              std::vector<doorbuster::actors::product_heat>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::hold_command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  doorbuster::actors::reply_fn<doorbuster::actors::line_result>)
