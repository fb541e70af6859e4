// What an operator's command words ask for, decided before anything runs:
// the arguments of every command that takes more than a SKU or a name.
// Pure functions of the words, so that any bytes a console sends (the
// fuzz target console_words feeds them) get a refusal, never a crash.
#pragma once

#include "domain/listing.hpp"
#include "domain/product.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorbuster::actors {

/// Why a command's words were refused: a code (bad_number, bad_time,
/// bad_arguments) and a message for the operator.
struct admin_refusal {
  std::string code;
  std::string message;
};

/// `top [count]`: how many SKUs, 1 to 1000 (10 if not given).
std::optional<admin_refusal> top_count(const std::vector<std::string>& words,
                                       uint64_t& out);

/// `skus [prefix]`: the listing that starts at the prefix.
std::optional<admin_refusal> skus_query(const std::vector<std::string>& words,
                                        domain::listing_query& out);

/// The change to a product that set-stock, adjust-stock, set-price, pause,
/// resume or sale-window asks for (words[1] is its SKU).
std::optional<admin_refusal>
product_change(const std::vector<std::string>& words,
               domain::product_patch& out);

} // namespace doorbuster::actors
