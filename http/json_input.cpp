#include "http/json_input.hpp"

#include "domain/clock.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <set>

namespace doorbuster::http {

namespace {

api_error bad_field(std::string code, std::string message) {
  return {bhttp::status::bad_request, std::move(code), std::move(message),
          {}, {}, {}};
}

/// Deepest nesting of objects and arrays a request body may have; the API's
/// bodies need three.
constexpr int max_depth = 32;

/// Builds the document from RapidJSON's reader, but stops it at a nesting
/// deeper than max_depth: the document is destroyed recursively, so a deep
/// one would overflow the stack there even if parsed iteratively.
struct depth_limited_handler {
  rapidjson::Document& doc;
  int depth = 0;
  bool too_deep = false;

  bool Null() { return doc.Null(); }
  bool Bool(bool b) { return doc.Bool(b); }
  bool Int(int i) { return doc.Int(i); }
  bool Uint(unsigned i) { return doc.Uint(i); }
  bool Int64(int64_t i) { return doc.Int64(i); }
  bool Uint64(uint64_t i) { return doc.Uint64(i); }
  bool Double(double d) { return doc.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return doc.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return doc.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return doc.Key(s, n, copy);
  }
  bool StartObject() { return enter() && doc.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth;
    return doc.EndObject(n);
  }
  bool StartArray() { return enter() && doc.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth;
    return doc.EndArray(n);
  }

private:
  bool enter() {
    too_deep = ++depth > max_depth;
    return !too_deep;
  }
};

} // namespace

const rapidjson::Value* json_input::field(const char* name, bool required,
                                          std::optional<api_error>& err) const {
  auto i = object().FindMember(name);
  if (i != object().MemberEnd())
    return &i->value;
  if (required)
    err = bad_field("missing_field",
                    std::string{"field \""} + name + "\" is required");
  return nullptr;
}

std::optional<api_error> json_input::parse(std::string_view text,
                                           json_input& out) {
  // Iterative and depth-bounded: a client's nesting must not become this
  // thread's stack depth (200,000 '[' overflowed it).
  rapidjson::ParseResult result;
  bool too_deep = false;
  auto parse = [&](rapidjson::Document& doc) {
    rapidjson::MemoryStream bytes{text.data(), text.size()};
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream>
      in{bytes};
    depth_limited_handler handler{doc};
    rapidjson::Reader reader;
    result = reader.Parse<rapidjson::kParseValidateEncodingFlag
                          | rapidjson::kParseIterativeFlag>(in, handler);
    too_deep = handler.too_deep;
    return !result.IsError();
  };
  out.doc_.Populate(parse);
  if (too_deep)
    return bad_field("malformed_json",
                     "JSON nested deeper than " + std::to_string(max_depth)
                       + " levels");
  if (result.IsError())
    return bad_field("malformed_json",
                     std::string{"invalid JSON at offset "}
                       + std::to_string(result.Offset()) + ": "
                       + rapidjson::GetParseError_En(result.Code()));
  if (!out.doc_.IsObject())
    return bad_field("malformed_json", "the body must be a JSON object");
  return std::nullopt;
}

std::optional<api_error>
json_input::only(std::initializer_list<std::string_view> allowed) const {
  std::set<std::string_view> seen;
  for (const auto& member : object().GetObject()) {
    std::string_view name{member.name.GetString(),
                          member.name.GetStringLength()};
    bool known = false;
    for (auto candidate : allowed)
      known = known || candidate == name;
    if (!known)
      return bad_field("unknown_field",
                       "unknown field \"" + std::string{name} + "\"");
    if (!seen.insert(name).second)
      return bad_field("duplicate_field",
                       "field \"" + std::string{name} + "\" given twice");
  }
  return std::nullopt;
}

std::optional<api_error> json_input::text(const char* name, bool required,
                                          size_t max_len,
                                          std::optional<std::string>& out,
                                          size_t min_len) const {
  std::optional<api_error> err;
  auto value = field(name, required, err);
  if (!value)
    return err;
  if (!value->IsString() || value->GetStringLength() < min_len
      || value->GetStringLength() > max_len)
    return bad_field("invalid_field", std::string{"field \""} + name
                                        + "\" must be a string of "
                                        + std::to_string(min_len) + " to "
                                        + std::to_string(max_len) + " bytes");
  if (std::memchr(value->GetString(), '\0', value->GetStringLength()))
    return bad_field("invalid_field", std::string{"field \""} + name
                                        + "\" must not contain NUL (\\u0000)");
  out.emplace(value->GetString(), value->GetStringLength());
  return std::nullopt;
}

std::optional<api_error> json_input::boolean(const char* name, bool required,
                                             std::optional<bool>& out) const {
  std::optional<api_error> err;
  auto value = field(name, required, err);
  if (!value)
    return err;
  if (!value->IsBool())
    return bad_field("invalid_field", std::string{"field \""} + name
                                        + "\" must be true or false");
  out = value->GetBool();
  return std::nullopt;
}

std::optional<api_error> json_input::integer(const char* name, bool required,
                                             int64_t min, int64_t max,
                                             std::optional<int64_t>& out)
  const {
  std::optional<api_error> err;
  auto value = field(name, required, err);
  if (!value)
    return err;
  if (!value->IsInt64() || value->GetInt64() < min || value->GetInt64() > max)
    return bad_field("invalid_field", std::string{"field \""} + name
                                        + "\" must be an integer from "
                                        + std::to_string(min) + " to "
                                        + std::to_string(max));
  out = value->GetInt64();
  return std::nullopt;
}

std::optional<api_error>
json_input::instant_or_null(const char* name,
                            std::optional<int64_t>& out) const {
  std::optional<api_error> err;
  auto value = field(name, false, err);
  if (!value)
    return err;
  if (value->IsNull()) {
    out = 0;
    return std::nullopt;
  }
  std::optional<int64_t> parsed;
  if (value->IsString())
    parsed = domain::parse_utc({value->GetString(), value->GetStringLength()});
  if (!parsed || *parsed <= 0)
    return bad_field("invalid_field",
                     std::string{"field \""} + name
                       + "\" must be null or a UTC time like "
                         "\"2026-11-27T08:00:00Z\"");
  out = parsed;
  return std::nullopt;
}

std::optional<api_error> json_input::objects(const char* name,
                                             size_t max_count,
                                             const element_reader& each) const {
  std::optional<api_error> err;
  auto value = field(name, true, err);
  if (!value)
    return err;
  if (!value->IsArray() || value->Empty() || value->Size() > max_count)
    return bad_field("invalid_field",
                     std::string{"field \""} + name
                       + "\" must be an array of 1 to "
                       + std::to_string(max_count) + " objects");
  for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
    const auto& element = (*value)[i];
    std::optional<api_error> found;
    if (!element.IsObject()) {
      found = bad_field("invalid_field", "must be an object");
    } else {
      json_input view;
      view.view_ = &element;
      found = each(view);
    }
    if (found) {
      found->message = std::string{name} + "[" + std::to_string(i)
                       + "]: " + found->message;
      return found;
    }
  }
  return std::nullopt;
}

} // namespace doorbuster::http
