#include "console/admin_client.hpp"

#include "actors/admin_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <stdexcept>

namespace doorbuster::console {

admin_client::admin_client(caf::actor_system& sys, const std::string& host,
                           uint16_t port, std::string token)
  : sys_(sys),
    token_(std::move(token)),
    where_(host + ":" + std::to_string(port)) {
  auto node = caf::openssl::remote_actor<actors::admin_actor>(sys, host,
                                                              port);
  if (!node)
    throw std::runtime_error("node unreachable at " + where_ + ": "
                             + sys.render(node.error()));
  node_ = *node;
}

answer admin_client::ask(const std::vector<std::string>& words) {
  caf::scoped_actor self{sys_};
  std::string text;
  std::string failure;
  self
    ->request(node_, std::chrono::seconds{15}, actors::admin_atom::value,
              token_, words)
    .receive([&](std::string& reply) { text = std::move(reply); },
             [&](caf::error& err) { failure = sys_.render(err); });
  if (!failure.empty())
    throw std::runtime_error("no answer from " + where_ + ": " + failure);
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  answer a;
  if (!doc.IsObject() || !doc.HasMember("ok")) {
    a.code = "bad_answer";
    a.message = "the node answered something unexpected";
    return a;
  }
  a.ok = doc["ok"].GetBool();
  if (a.ok) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w{buf};
    doc["result"].Accept(w);
    a.result.assign(buf.GetString(), buf.GetSize());
  } else {
    a.code = doc["error"]["code"].GetString();
    a.message = doc["error"]["message"].GetString();
  }
  return a;
}

} // namespace doorbuster::console
