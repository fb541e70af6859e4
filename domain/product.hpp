// A product's values: what operators set (fields, sale rules, patches), its
// whole state as journaled, the counters every other record carries, and the
// document readers are served. Plain aggregates; `members(x)` lists what is
// stored and sent (domain/inspect.hpp).
#pragma once

#include "domain/errc.hpp"
#include "domain/inspect.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace doorbuster::domain {

/// Largest stock or price a product may hold; keeps every sum in int64.
constexpr int64_t max_amount = 1'000'000'000'000'000;

/// The operator-editable fields of a product.
struct product_fields {
  std::string name;
  std::string description;
  std::string category;
  int64_t price = 0; // minor units of `currency`
  std::string currency;
  int64_t stock = 0;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.name, x.description, x.category, x.price, x.currency,
                    x.stock);
  }
  bool operator==(const product_fields&) const = default;
};

/// When and how much a product may be sold; set by operators. A zero bound
/// means "no bound".
struct sale_rules {
  int64_t max_per_order = 0;     // units in one purchase, order or hold
  int64_t max_per_customer = 0;  // units sold or held per customer, ever
  int64_t sale_starts_at_ms = 0; // Unix ms
  int64_t sale_ends_at_ms = 0;   // Unix ms, exclusive
  bool paused = false;
  int64_t max_hold_s = 0; // longest life of a reservation's hold here

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.max_per_order, x.max_per_customer, x.sale_starts_at_ms,
                    x.sale_ends_at_ms, x.paused, x.max_hold_s);
  }
  bool operator==(const sale_rules&) const = default;
};

/// A partial change; `stock` and `stock_delta` are mutually exclusive. A
/// rule given as 0 is cleared.
struct product_patch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> category;
  std::optional<int64_t> price;
  std::optional<std::string> currency;
  std::optional<int64_t> stock;
  std::optional<int64_t> stock_delta;
  std::optional<int64_t> max_per_order;
  std::optional<int64_t> max_per_customer;
  std::optional<int64_t> sale_starts_at_ms;
  std::optional<int64_t> sale_ends_at_ms;
  std::optional<bool> paused;
  std::optional<int64_t> max_hold_s;

  bool operator==(const product_patch&) const = default;
};

/// What a product's other records carry of it after their change, so that
/// replaying any record is idempotent.
struct counters {
  int64_t stock = 0;
  int64_t reserved = 0;
  uint64_t version = 0;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.stock, x.reserved, x.version);
  }
  bool operator==(const counters&) const = default;
};

/// A product's whole state: journaled whenever an operator creates, replaces
/// or changes it. Every change bumps `version`.
struct product_state {
  std::string sku;
  product_fields fields;
  sale_rules rules;
  int64_t reserved = 0; // units held for checkouts
  uint64_t version = 0;

  int64_t available() const { return fields.stock - reserved; }
  counters counts() const { return {fields.stock, reserved, version}; }

  // The journal's order: flat, as records were first written.
  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.sku, x.fields.name, x.fields.description,
                    x.fields.category, x.fields.price, x.fields.currency,
                    x.fields.stock, x.version, x.reserved,
                    x.rules.max_per_order, x.rules.max_per_customer,
                    x.rules.sale_starts_at_ms, x.rules.sale_ends_at_ms,
                    x.rules.paused, x.rules.max_hold_s);
  }
  bool operator==(const product_state&) const = default;
};

/// What readers see of a product: its public JSON, rendered once per
/// change, shared by the catalog actors, never modified after creation.
/// The JSON comes in two parts: the product's own bytes (`{"sku":...,
/// "version":N,`), then its sale rules' (`"max_per_order":...}`), which
/// every product without rules shares (default_rules_json(): 120 bytes
/// less per product of a large catalog). `text` holds the first part, the
/// category, then the lower-case name (for search), in one allocation.
struct product_doc {
  std::string sku;
  uint64_t version = 0;
  std::string text;
  uint32_t head_size = 0;
  uint32_t category_size = 0;
  std::shared_ptr<const std::string> rules; // never null once made

  static product_doc make(std::string sku, uint64_t version,
                          std::string_view head, std::string_view category,
                          std::string_view folded_name,
                          std::shared_ptr<const std::string> rules);

  std::string_view head() const { return {text.data(), head_size}; }
  std::string_view rules_json() const {
    return rules ? std::string_view{*rules} : std::string_view{};
  }
  std::string_view category() const {
    return {text.data() + head_size, category_size};
  }
  std::string_view folded_name() const {
    auto at = head_size + category_size;
    return {text.data() + at, text.size() - at};
  }
  size_t json_size() const { return head_size + rules_json().size(); }
  void append_json(std::string& out) const {
    out.append(head());
    out.append(rules_json());
  }
  /// A copy of the whole JSON.
  std::string json() const {
    std::string out;
    out.reserve(json_size());
    append_json(out);
    return out;
  }

  bool operator==(const product_doc& other) const {
    return sku == other.sku && version == other.version && text == other.text
           && head_size == other.head_size
           && category_size == other.category_size
           && rules_json() == other.rules_json();
  }
};

/// The rules part of the JSON of a product with default sale_rules, one
/// string for all of them.
const std::shared_ptr<const std::string>& default_rules_json();

/// `json` as a product document's rules part: the shared default when
/// equal to it.
std::shared_ptr<const std::string> share_rules_json(std::string json);

using product_doc_ptr = std::shared_ptr<const product_doc>;

/// The answer to a create, replace or change of a product.
struct write_result {
  errc error = errc::ok;
  bool created = false;
  product_doc_ptr doc;   // the new document, on success
  int64_t available = 0; // stock not reserved, for insufficient_stock

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.error, x.created, x.doc, x.available);
  }
  bool operator==(const write_result& other) const {
    return error == other.error && created == other.created
           && available == other.available
           && (doc == other.doc || (doc && other.doc && *doc == *other.doc));
  }
};

/// One product of a bulk load.
struct product_entry {
  std::string sku;
  product_fields fields;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.sku, x.fields);
  }
  bool operator==(const product_entry&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_fields& x) {
  return inspect_members(f, "product_fields", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sale_rules& x) {
  return inspect_members(f, "sale_rules", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_patch& x) {
  auto name = optional_of(x.name);
  auto description = optional_of(x.description);
  auto category = optional_of(x.category);
  auto price = optional_of(x.price);
  auto currency = optional_of(x.currency);
  auto stock = optional_of(x.stock);
  auto stock_delta = optional_of(x.stock_delta);
  auto max_per_order = optional_of(x.max_per_order);
  auto max_per_customer = optional_of(x.max_per_customer);
  auto starts = optional_of(x.sale_starts_at_ms);
  auto ends = optional_of(x.sale_ends_at_ms);
  auto paused = optional_of(x.paused);
  auto max_hold_s = optional_of(x.max_hold_s);
  return f(caf::meta::type_name("product_patch"), name, description, category,
           price, currency, stock, stock_delta, max_per_order,
           max_per_customer, starts, ends, paused, max_hold_s);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, counters& x) {
  return inspect_members(f, "counters", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_state& x) {
  return inspect_members(f, "product_state", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_doc& x) {
  auto rules = std::string{x.rules_json()};
  return f(caf::meta::type_name("product_doc"), x.sku, x.version, x.text,
           x.head_size, x.category_size, rules,
           caf::meta::load_callback([&] {
             if (x.head_size > x.text.size()
                 || x.category_size > x.text.size() - x.head_size)
               return caf::make_error(caf::sec::invalid_argument);
             x.rules = share_rules_json(std::move(rules));
             return caf::error{};
           }));
}

/// A document crosses a wire by value; locally the pointer is shared.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_doc_ptr& x) {
  bool present = x != nullptr;
  auto value = present ? *x : product_doc{};
  return f(caf::meta::type_name("product_doc_ptr"), present, value,
           caf::meta::load_callback([&] {
             x = present ? std::make_shared<const product_doc>(std::move(value))
                         : nullptr;
             return caf::none;
           }));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_result& x) {
  return inspect_members(f, "write_result", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_entry& x) {
  return inspect_members(f, "product_entry", x);
}

} // namespace doorbuster::domain
