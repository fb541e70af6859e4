// Options as a user meets them: --help shows each option's default (from
// config/options.hpp) and bounds, the README's table says the same, and a
// value out of bounds stops start-up with a message naming the option;
// --version prints the version and commit; a port in use stops start-up
// with the error (the node does not hang).
#include "support/node_process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#ifndef DOORBUSTER_VERSION
#define DOORBUSTER_VERSION "0.0.0"
#endif
#ifndef DOORBUSTER_README
#define DOORBUSTER_README "README.md"
#endif

namespace doorbuster::testing {
namespace {

/// option -> default, as `doorbuster --help` prints them.
std::map<std::string, std::string> help_defaults() {
  std::string out;
  EXPECT_EQ(run_node_to_exit({"--help"}, out), 0);
  std::map<std::string, std::string> found;
  std::regex line{R"(--([a-z.-]+)=\S+\s+: .*\(default ("[^"]*"|[^;)]+)[;)])"};
  std::istringstream in{out};
  for (std::string text; std::getline(in, text);) {
    std::smatch m;
    if (std::regex_search(text, m, line)) {
      auto value = m[2].str();
      if (value == "none")
        value = "";
      if (value.size() >= 2 && value.front() == '"')
        value = value.substr(1, value.size() - 2);
      found[m[1]] = value;
    }
  }
  return found;
}

TEST(config, the_readme_table_gives_every_default_as_the_node_does) {
  auto help = help_defaults();
  ASSERT_GT(help.size(), 40u) << "--help lists the node's options";
  std::ifstream readme{DOORBUSTER_README};
  std::regex row{R"(^\| ((?:`[a-z.-]+`(?:, )?)+) \|\s*([^|]*?)\s*\|)"};
  std::regex backticked{"`([^`]*)`"};
  size_t rows = 0;
  for (std::string text; std::getline(readme, text);) {
    std::smatch m;
    if (!std::regex_search(text, m, row) || m[1].str().find('.') == std::string::npos)
      continue;
    std::vector<std::string> names, defaults;
    auto names_text = m[1].str(), defaults_text = m[2].str();
    for (std::sregex_iterator i{names_text.begin(), names_text.end(), backticked}, end;
         i != end; ++i)
      names.push_back((*i)[1]);
    for (std::sregex_iterator i{defaults_text.begin(), defaults_text.end(),
                                backticked},
         end;
         i != end; ++i)
      defaults.push_back((*i)[1]);
    if (defaults.empty())
      defaults.assign(names.size(), "");
    ASSERT_EQ(names.size(), defaults.size()) << text;
    for (size_t i = 0; i < names.size(); ++i) {
      if (!help.count(names[i]))
        continue; // a row about something else (a metric, a command)
      ++rows;
      EXPECT_EQ(defaults[i], help[names[i]]) << "README's default of "
                                             << names[i];
      help.erase(names[i]);
    }
  }
  EXPECT_GT(rows, 40u);
  for (const auto& [name, value] : help)
    if (name.find('.') != std::string::npos && name.rfind("scheduler.", 0) != 0
        && name.rfind("middleman.", 0) != 0 && name.rfind("logger.", 0) != 0
        && name.rfind("stream.", 0) != 0 && name.rfind("work-stealing.", 0) != 0
        && name.rfind("openssl.", 0) != 0)
      ADD_FAILURE() << name << " (default " << value
                    << ") is missing from the README's table";
}

TEST(config, a_value_out_of_bounds_stops_start_up_naming_the_option) {
  std::string out;
  EXPECT_NE(run_node_to_exit({"--http.threads=257"}, out), 0);
  EXPECT_NE(out.find("http.threads must be from 0 to 256"), std::string::npos)
    << out;
  EXPECT_NE(run_node_to_exit({"--checkout.default-ttl-s=2000"}, out), 0);
  EXPECT_NE(out.find("checkout.default-ttl-s must not exceed"),
            std::string::npos)
    << out;
}

TEST(config, a_cluster_node_without_a_shared_tls_identity_does_not_start) {
  auto data = make_temp_dir("doorbuster-notls");
  std::string out;
  EXPECT_NE(run_node_to_exit({"--cluster.enabled", "--cluster.node-id=a",
                              "--persistence.pg-uri=postgresql://x/y",
                              "--persistence.data-dir=" + data},
                             out),
            0);
  EXPECT_NE(out.find("no TLS identity in " + data + "/tls"),
            std::string::npos)
    << out;
  EXPECT_NE(out.find("--generate-tls"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(data + "/tls/node.key"))
    << "a cluster node must not make an identity its peers do not share";
  std::filesystem::remove_all(data);
}

TEST(config, a_cluster_node_without_postgres_or_a_name_does_not_start) {
  std::string out;
  unsetenv("DOORBUSTER_PG_URI");
  EXPECT_NE(run_node_to_exit({"--cluster.enabled"}, out), 0);
  EXPECT_NE(out.find("cluster.enabled needs PostgreSQL"), std::string::npos)
    << out;
  out.clear();
  EXPECT_NE(run_node_to_exit({"--cluster.enabled", "--cluster.port=0",
                              "--persistence.pg-uri=postgresql://x/y"},
                             out),
            0);
  EXPECT_NE(out.find("cluster.port=0 needs cluster.node-id"),
            std::string::npos)
    << out;
}

TEST(config, a_port_in_use_stops_start_up_with_the_error) {
  // Another process holds the port; the node has started its actors (and
  // loaded a demo catalog) by the time it binds.
  int held = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(held, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(held, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(listen(held, 1), 0);
  ASSERT_EQ(getsockname(held, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto port = std::to_string(ntohs(addr.sin_port));
  auto data = make_temp_dir("doorbuster-busy");
  std::string out;
  EXPECT_EQ(run_node_to_exit({"--http.address=127.0.0.1",
                              "--http.port=" + port, "--admin.port=0",
                              "--demo.products=1000",
                              "--persistence.data-dir=" + data},
                             out),
            1)
    << out;
  EXPECT_NE(out.find("cannot listen for HTTP on 127.0.0.1:" + port
                     + ": Address already in use"),
            std::string::npos)
    << out;
  close(held);
  std::filesystem::remove_all(data);
}

TEST(config, version_prints_the_projects_version_and_commit) {
  std::string out;
  EXPECT_EQ(run_node_to_exit({"--version"}, out), 0);
  std::regex line{"doorbuster " DOORBUSTER_VERSION
                  R"( \(commit ([0-9a-f]{12}(-modified)?|unknown)\)\n)"};
  EXPECT_TRUE(std::regex_match(out, line)) << out;
}

} // namespace
} // namespace doorbuster::testing
