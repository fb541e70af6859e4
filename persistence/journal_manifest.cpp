#include "persistence/journal_manifest.hpp"

#include "persistence/durable_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace doorbuster::persistence {

namespace {

constexpr const char* header = "doorbuster-journal-manifest 1";

} // namespace

std::vector<seq_range> journal_manifest::not_lost(uint64_t first,
                                                  uint64_t last) const {
  std::vector<seq_range> result;
  auto sorted = lost;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  auto at = first;
  for (const auto& r : sorted) {
    if (at > last)
      break;
    if (r.last < at || r.first > last)
      continue;
    if (r.first > at)
      result.push_back({at, r.first - 1});
    at = std::max(at, r.last + 1);
  }
  if (at <= last)
    result.push_back({at, last});
  return result;
}

void journal_manifest::forget_up_to(uint64_t seq) {
  lost.erase(std::remove_if(lost.begin(), lost.end(),
                            [&](const auto& r) { return r.last <= seq; }),
             lost.end());
}

std::string manifest_path(const std::string& journal_dir) {
  return (std::filesystem::path{journal_dir} / "manifest").string();
}

journal_manifest read_manifest(const std::string& journal_dir) {
  journal_manifest m;
  auto path = manifest_path(journal_dir);
  std::ifstream in{path};
  if (!in)
    return m;
  auto bad = [&](const std::string& why) {
    return std::runtime_error("journal manifest " + path + " unreadable ("
                              + why + ")");
  };
  std::string line;
  if (!std::getline(in, line) || line != header)
    throw bad("no header");
  bool has_durable = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream words{line};
    std::string key;
    words >> key;
    if (key == "durable" && words >> m.durable) {
      has_durable = true;
    } else if (seq_range r; key == "lost" && words >> r.first >> r.last
                            && r.first > 0 && r.first <= r.last) {
      m.lost.push_back(r);
    } else {
      throw bad("line \"" + line + "\"");
    }
  }
  if (!has_durable)
    throw bad("no durable line");
  return m;
}

void write_manifest(const std::string& journal_dir,
                    const journal_manifest& manifest) {
  std::ostringstream out;
  out << header << "\n# written by the journal: do not edit\n"
      << "durable " << manifest.durable << "\n";
  for (const auto& r : manifest.lost)
    out << "lost " << r.first << " " << r.last << "\n";
  replace_file(manifest_path(journal_dir), out.str());
}

} // namespace doorbuster::persistence
