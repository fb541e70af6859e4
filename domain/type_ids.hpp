// Every value that travels in a message between actors, registered with
// CAF once, here: a node adds them with
//   cfg.add_message_types<caf::id_block::doorbuster>();
// Each has an inspect overload, so any of them can cross to another node.
// The build defines CAF_ENABLE_TYPE_ID_CHECKS: sending a type that is not
// listed here does not compile.
#pragma once

#include "domain/change.hpp"
#include "domain/checkout.hpp"
#include "domain/listing.hpp"
#include "domain/product.hpp"
#include "domain/purchase.hpp"
#include "domain/report.hpp"
#include "domain/stored_product.hpp"

#include <caf/type_id.hpp>

#include <string>
#include <vector>

CAF_BEGIN_TYPE_ID_BLOCK(doorbuster, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::change))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::checkout_request))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::checkout_result))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::hold_command))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::hold_request))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::line_result))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::listing))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::listing_query))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::live_reservation))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::product_doc_ptr))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::product_entry))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::product_fields))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::product_heat))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::product_patch))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::purchase_request))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::purchase_result))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::reservation_request))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::shard_report))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::sold_checkout))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::stored_product))
  CAF_ADD_TYPE_ID(doorbuster, (doorbuster::domain::write_result))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<doorbuster::domain::product_entry>))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<doorbuster::domain::product_doc_ptr>))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<doorbuster::domain::product_heat>))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<doorbuster::domain::shard_report>))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<doorbuster::domain::stored_product>))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<doorbuster::domain::write_result>))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<std::string>))
  CAF_ADD_TYPE_ID(doorbuster, (std::vector<uint32_t>))

CAF_END_TYPE_ID_BLOCK(doorbuster)
