#include "report.hpp"

#include <array>
#include <ostream>
#include <sstream>

namespace doorbuster::loadgen {

std::string summary_json(std::map<std::string, route_stats>& totals,
                         double seconds,
                         const std::vector<std::string>* failures) {
  std::ostringstream out;
  out << "{\"duration_s\":" << seconds << ",\"routes\":{";
  bool first = true;
  for (auto& [route, st] : totals) {
    uint64_t n = 0;
    for (auto c : st.outcomes)
      n += c;
    out << (first ? "" : ",") << '"' << route << "\":{\"requests\":" << n
        << ",\"per_s\":" << n / seconds;
    first = false;
    for (auto [name, q] : {std::pair{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99},
                           {"p999", 0.999}, {"max", 1.0}})
      out << ",\"" << name << "_ms\":" << quantile(st.latencies_ms, q);
    out << ",\"outcomes\":{";
    for (size_t i = 0; i < outcome_count; ++i)
      out << (i ? "," : "") << '"' << to_string(static_cast<outcome>(i))
          << "\":" << st.outcomes[i];
    out << "}}";
  }
  out << "}";
  if (failures) {
    out << ",\"invariants\":{\"ok\":" << (failures->empty() ? "true" : "false")
        << ",\"failures\":[";
    for (size_t i = 0; i < failures->size(); ++i)
      out << (i ? "," : "") << '"' << (*failures)[i] << '"';
    out << "]}";
  }
  out << "}";
  return out.str();
}

void write_csv(std::ostream& out, const recorder& rec) {
  out << "second,offered,achieved,read_p50_ms,read_p99_ms,purchase_p50_ms,"
         "purchase_p99_ms,ok,conflict_409,limited_429,shed_503,other,failed\n";
  for (size_t s = 0; s < rec.seconds().size(); ++s) {
    auto sec = rec.seconds()[s];
    std::array<uint64_t, outcome_count> outcomes{};
    uint64_t achieved = 0;
    for (auto& [route, st] : sec.routes)
      for (size_t i = 0; i < outcome_count; ++i) {
        outcomes[i] += st.outcomes[i];
        achieved += st.outcomes[i];
      }
    auto q = [&](const char* route, double p) {
      auto i = sec.routes.find(route);
      return i == sec.routes.end() ? 0.0 : quantile(i->second.latencies_ms, p);
    };
    out << s << ',' << sec.offered << ',' << achieved << ','
        << q("read", 0.5) << ',' << q("read", 0.99) << ','
        << q("purchase", 0.5) << ',' << q("purchase", 0.99);
    for (auto c : outcomes)
      out << ',' << c;
    out << '\n';
  }
}

} // namespace doorbuster::loadgen
