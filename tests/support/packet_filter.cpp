#include "support/packet_filter.hpp"

#include "support/shell_command.hpp"

#include <stdexcept>

#include <unistd.h>

namespace doorbuster::testing {

namespace {

void nft(const std::string& command) {
  auto out = run_shell("nft " + command);
  if (out.status != 0)
    throw std::runtime_error("nft " + command + ": " + out.output);
}

} // namespace

std::string packet_filter::unavailable_reason() {
  if (geteuid() != 0)
    return "partitions need root (nftables)";
  if (run_shell("nft --version").status != 0)
    return "partitions need nft (the test command installs nftables)";
  return {};
}

packet_filter::packet_filter()
  : table_("doorbuster_test_" + std::to_string(getpid())) {
  nft("add table inet " + table_);
  nft("'add chain inet " + table_
      + " output { type filter hook output priority 0; policy accept; }'");
}

packet_filter::~packet_filter() {
  run_shell("nft delete table inet " + table_);
}

void packet_filter::drop(const std::string& match) {
  nft("'add rule inet " + table_ + " output " + match + " drop'");
}

void packet_filter::heal() {
  nft("flush chain inet " + table_ + " output");
}

} // namespace doorbuster::testing
