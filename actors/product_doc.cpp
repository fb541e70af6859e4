#include "actors/product_doc.hpp"

#include "domain/clock.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

namespace doorbuster::actors {

namespace {

template <class Writer>
void write_string(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

} // namespace

std::string fold_case(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string render_rules_json(const domain::sale_rules& rules) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  // The end of the product's object: its opening brace is the head's.
  w.StartObject();
  auto limit = [&w](const char* key, int64_t value) {
    w.Key(key);
    if (value == 0)
      w.Null();
    else
      w.Int64(value);
  };
  limit("max_per_order", rules.max_per_order);
  limit("max_per_customer", rules.max_per_customer);
  limit("max_hold_seconds", rules.max_hold_s);
  auto instant = [&w](const char* key, int64_t unix_ms) {
    w.Key(key);
    if (unix_ms == 0)
      w.Null();
    else
      write_string(w, domain::format_utc(unix_ms));
  };
  instant("sale_starts_at", rules.sale_starts_at_ms);
  instant("sale_ends_at", rules.sale_ends_at_ms);
  w.Key("paused");
  w.Bool(rules.paused);
  w.EndObject();
  return {buf.GetString() + 1, buf.GetSize() - 1};
}

domain::product_doc_ptr render_product_doc(const domain::product_state& p) {
  const auto& fields = p.fields;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("sku");
  write_string(w, p.sku);
  w.Key("name");
  write_string(w, fields.name);
  w.Key("description");
  write_string(w, fields.description);
  w.Key("category");
  write_string(w, fields.category);
  w.Key("price");
  w.Int64(fields.price);
  w.Key("currency");
  write_string(w, fields.currency);
  w.Key("stock");
  w.Int64(fields.stock);
  w.Key("reserved");
  w.Int64(p.reserved);
  w.Key("available");
  w.Int64(p.available());
  w.Key("version");
  w.Uint64(p.version);
  // The rules follow: the writer would add the comma before their first key.
  std::string head{buf.GetString(), buf.GetSize()};
  head += ',';
  auto rules = p.rules == domain::sale_rules{}
                 ? domain::default_rules_json()
                 : std::make_shared<const std::string>(
                     render_rules_json(p.rules));
  return std::make_shared<const domain::product_doc>(domain::product_doc::make(
    p.sku, p.version, head, fields.category, fold_case(fields.name),
    std::move(rules)));
}

} // namespace doorbuster::actors
