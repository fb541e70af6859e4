// Every JSON body decoder: the first byte picks the decoder, the rest is
// the body.
#include "bodies.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace doorbuster::fuzz;
  if (size == 0)
    return 0;
  auto kind = static_cast<body_kind>(
    data[0] % static_cast<uint8_t>(body_kind::count));
  decode_body(kind, {reinterpret_cast<const char*>(data) + 1, size - 1});
  return 0;
}
