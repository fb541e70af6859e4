// doorbuster-journal-fill: writes a journal of N records (a few products,
// then purchases of them) into a data directory, in the node's own format,
// so that recovery speed can be measured without generating the load first.
//   doorbuster-journal-fill DATA_DIR RECORDS [PRODUCTS]
#include "persistence/journal_files.hpp"
#include "persistence/journal_record.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  using namespace doorbuster::persistence;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR RECORDS [PRODUCTS]\n", argv[0]);
    return 2;
  }
  std::string dir = std::string{argv[1]} + "/journal";
  uint64_t records = std::strtoull(argv[2], nullptr, 10);
  uint64_t products = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1000;
  std::filesystem::create_directories(dir);
  constexpr int64_t stock = 1'000'000'000;
  constexpr size_t segment_bytes = 64 * 1024 * 1024;
  std::vector<int64_t> left(products, stock);
  std::vector<uint64_t> versions(products, 1);
  std::vector<char> buf;
  uint64_t segment_first = 1;
  auto flush = [&](uint64_t next_first) {
    std::ofstream out{segment_path(dir, segment_first), std::ios::binary};
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
    segment_first = next_first;
  };
  for (uint64_t seq = 1; seq <= records; ++seq) {
    auto p = (seq - 1) % products;
    auto sku = "FILL-" + std::to_string(p);
    if (seq <= products) {
      append_frame(buf, seq,
                   doorbuster::domain::product_state{
                     .sku = sku,
                     .fields = {"Filler " + std::to_string(p), "d", "fill", 100,
                                "USD", stock},
                     .version = 1});
    } else {
      left[p] -= 1;
      versions[p] += 1;
      append_frame(buf, seq,
                   doorbuster::domain::order{
                     .order_id = (uint64_t{1} << 32) + seq,
                     .sku = sku,
                     .quantity = 1,
                     .customer_id = "bench",
                     .idempotency_key = "key-" + std::to_string(seq),
                     .unit_price = 100,
                     .currency = "USD",
                     .created_at_ms = 1700000000000,
                     .after = {.stock = left[p], .version = versions[p]}});
    }
    if (buf.size() >= segment_bytes)
      flush(seq + 1);
  }
  if (!buf.empty())
    flush(records + 1);
  std::printf("%llu records in %s\n",
              static_cast<unsigned long long>(records), dir.c_str());
  return 0;
}
