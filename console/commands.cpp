#include "console/commands.hpp"

#include "actors/admin_commands.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace doorbuster::console {

std::string check_arguments(const std::vector<std::string>& words) {
  const auto* c = actors::find_admin_command(words.at(0));
  if (c == nullptr)
    return "unknown command: " + words[0] + " (try help)";
  return actors::check_admin_arguments(*c, words);
}

std::string help_text(const std::string& about) {
  std::ostringstream out;
  for (const auto& c : actors::admin_commands())
    if (about.empty() || about == c.name)
      out << "  " << std::left << std::setw(44) << c.usage << c.help << "\n";
  if (out.str().empty())
    return "unknown command: " + about + "\n";
  return out.str();
}

namespace {

using rapidjson::Value;

std::string text_of(const Value& v) {
  if (v.IsString())
    return v.GetString();
  if (v.IsNull())
    return "-";
  if (v.IsBool())
    return v.GetBool() ? "yes" : "no";
  if (v.IsDouble()) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << v.GetDouble();
    return out.str();
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

/// "key  value" lines, keys aligned; nested objects are flattened a.b.
void key_values(const Value& obj, const std::string& prefix,
                std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& m : obj.GetObject()) {
    auto key = prefix + m.name.GetString();
    if (m.value.IsObject())
      key_values(m.value, key + ".", out);
    else
      out.emplace_back(key, text_of(m.value));
  }
}

std::string aligned(const std::vector<std::pair<std::string, std::string>>& kv) {
  size_t width = 0;
  for (const auto& [k, v] : kv)
    width = std::max(width, k.size());
  std::ostringstream out;
  for (const auto& [k, v] : kv)
    out << std::left << std::setw(static_cast<int>(width + 2)) << k << v
        << "\n";
  return out.str();
}

/// A table of the array's objects: the given columns, right-aligned
/// numbers, left-aligned text.
std::string table(const Value& rows, const std::vector<std::string>& columns) {
  std::vector<std::vector<std::string>> cells{columns};
  for (const auto& row : rows.GetArray()) {
    std::vector<std::string> line;
    for (const auto& c : columns)
      line.push_back(row.HasMember(c.c_str()) ? text_of(row[c.c_str()]) : "");
    cells.push_back(std::move(line));
  }
  std::vector<size_t> width(columns.size(), 0);
  for (const auto& line : cells)
    for (size_t i = 0; i < line.size(); ++i)
      width[i] = std::max(width[i], line[i].size());
  std::ostringstream out;
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) {
      bool left = i == 0 && (columns[0] == "sku" || columns[0] == "node_id");
      out << (left ? std::left : std::right)
          << std::setw(static_cast<int>(width[i])) << line[i]
          << (i + 1 < line.size() ? "  " : "\n");
    }
  }
  return out.str();
}

} // namespace

std::string render(const std::string& command, const std::string& result_json) {
  rapidjson::Document doc;
  doc.Parse(result_json.c_str());
  std::vector<std::pair<std::string, std::string>> kv;
  if (command == "shards")
    return table(doc, {"shard", "products", "active_actors", "queued",
                       "max_mailbox", "requests"});
  if (command == "cluster") {
    for (const auto& m : doc.GetObject())
      if (!m.value.IsArray())
        kv.emplace_back(m.name.GetString(), text_of(m.value));
    return aligned(kv) + "\n"
           + table(doc["nodes"], {"node_id", "generation", "status", "live",
                                  "shards", "cluster_address",
                                  "http_address"});
  }
  if (command == "top") {
    std::ostringstream out;
    out << "hottest SKUs over the last " << std::fixed << std::setprecision(1)
        << doc["window_s"].GetDouble() << " s\n";
    if (doc["products"].Empty())
      return out.str() + "(no purchases or holds in that time)\n";
    return out.str() + table(doc["products"], {"sku", "requests_per_s",
                                               "mailbox"});
  }
  if (command == "flush" || command == "snapshot")
    return std::string{command == "flush" ? "written behind"
                                          : "snapshot written"}
           + " up to journal record " + text_of(doc["record"]) + "\n";
  if (command == "product") {
    key_values(doc["product"], "", kv);
    for (const char* k : {"holds", "orders_since_start", "queued"})
      kv.emplace_back(k, text_of(doc[k]));
    return aligned(kv);
  }
  if (doc.IsObject() && doc.HasMember("sku") && doc.HasMember("stock")) {
    std::ostringstream out; // a changed product, in one line
    out << doc["sku"].GetString() << ": stock " << text_of(doc["stock"])
        << ", reserved " << text_of(doc["reserved"]) << ", price "
        << text_of(doc["price"]) << " " << doc["currency"].GetString()
        << ", paused " << text_of(doc["paused"]) << ", sale "
        << text_of(doc["sale_starts_at"]) << " .. "
        << text_of(doc["sale_ends_at"]) << ", version "
        << text_of(doc["version"]) << "\n";
    return out.str();
  }
  if (doc.IsArray()) {
    std::string out;
    for (const auto& v : doc.GetArray())
      out += text_of(v) + "\n";
    return out;
  }
  if (doc.IsObject()) {
    key_values(doc, "", kv);
    return aligned(kv);
  }
  return result_json + "\n";
}

} // namespace doorbuster::console
