// The Prometheus text exposition format (0.0.4), written in one place: every
// layer renders its figures for /metrics through this builder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace doorbuster::telemetry {

class prometheus_text {
public:
  /// Starts a family: its # HELP and # TYPE lines.
  prometheus_text& family(std::string_view name, std::string_view type,
                          std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help);
    out_.append("\n# TYPE ").append(name).append(" ").append(type);
    out_.append("\n");
    return *this;
  }

  /// One sample; `labels` is empty or `key="value",…` without braces.
  template <class Number>
  prometheus_text& sample(std::string_view name, std::string_view labels,
                          Number value) {
    static_assert(std::is_arithmetic_v<Number>);
    out_.append(name);
    if (!labels.empty())
      out_.append("{").append(labels).append("}");
    out_.append(" ").append(std::to_string(value)).append("\n");
    return *this;
  }

  /// `key="value"`, the value escaped as the format requires.
  static std::string label(std::string_view key, std::string_view value) {
    std::string out{key};
    out.append("=\"");
    for (char c : value) {
      if (c == '\\' || c == '"')
        out.push_back('\\');
      if (c == '\n')
        out.append("\\n");
      else
        out.push_back(c);
    }
    out.push_back('"');
    return out;
  }

  /// A family of one unlabelled sample.
  template <class Number>
  prometheus_text& single(std::string_view name, std::string_view type,
                          std::string_view help, Number value) {
    return family(name, type, help).sample(name, {}, value);
  }

  const std::string& str() const { return out_; }

private:
  std::string out_;
};

} // namespace doorbuster::telemetry
