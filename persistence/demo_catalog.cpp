#include "persistence/demo_catalog.hpp"

#include <array>
#include <cstdio>
#include <random>

namespace doorbuster::persistence {

namespace {

constexpr std::array<const char*, 20> category_names{
  "electronics", "toys",   "kitchen",  "books",   "garden",
  "sports",      "beauty", "outdoors", "music",   "games",
  "office",      "pets",   "baby",     "tools",   "automotive",
  "fashion",     "shoes",  "jewelry",  "grocery", "health",
};

constexpr std::array<const char*, 12> adjectives{
  "Deluxe", "Smart",  "Classic", "Compact", "Ultra",   "Eco",
  "Turbo",  "Silent", "Rugged",  "Mini",    "Premium", "Wireless",
};

constexpr std::array<const char*, 12> nouns{
  "Speaker", "Blender", "Lamp",   "Backpack", "Drone",  "Kettle",
  "Camera",  "Jacket",  "Puzzle", "Monitor",  "Helmet", "Headphones",
};

template <size_t N>
const char* pick(const std::array<const char*, N>& xs, std::mt19937_64& rng) {
  return xs[rng() % N];
}

std::string category_name(size_t index) {
  std::string name = category_names[index % category_names.size()];
  if (auto round = index / category_names.size(); round > 0)
    name += "-" + std::to_string(round + 1);
  return name;
}

} // namespace

std::vector<domain::product_entry>
make_demo_catalog(const config::demo_options& opts) {
  std::mt19937_64 rng{opts.seed};
  std::vector<domain::product_entry> result;
  result.reserve(opts.products);
  for (size_t i = 1; i <= opts.products; ++i) {
    char sku[32];
    std::snprintf(sku, sizeof(sku), "SKU-%06zu", i);
    domain::product_fields fields;
    fields.category = category_name(rng() % opts.categories);
    fields.name = std::string{pick(adjectives, rng)} + " "
                  + pick(nouns, rng) + " " + std::to_string(i);
    fields.description = "A " + fields.category + " demo product.";
    fields.price = 199 + static_cast<int64_t>(rng() % 99800);
    fields.currency = "USD";
    fields.stock = static_cast<int64_t>(rng() % 1000);
    result.push_back({sku, std::move(fields)});
  }
  return result;
}

} // namespace doorbuster::persistence
