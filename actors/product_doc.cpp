#include "actors/product_doc.hpp"

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

product_doc_ptr render_product_doc(const std::string& sku,
                                   const product_fields& fields,
                                   uint64_t version) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("sku");
  write_string(w, sku);
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
  w.Key("version");
  w.Uint64(version);
  w.EndObject();
  auto doc = std::make_shared<product_doc>();
  doc->sku = sku;
  doc->category = fields.category;
  doc->folded_name = fields.name;
  std::transform(doc->folded_name.begin(), doc->folded_name.end(),
                 doc->folded_name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  doc->version = version;
  doc->json.assign(buf.GetString(), buf.GetSize());
  return doc;
}

} // namespace doorbuster::actors
