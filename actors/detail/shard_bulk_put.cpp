#include "actors/detail/shard_bulk_put.hpp"

#include "actors/product_doc.hpp"
#include "domain/refusal.hpp"

#include <caf/send.hpp>

#include <utility>

namespace doorbuster::actors::detail {

namespace {

using domain::errc;

/// Applies `e` to its product at rest, or makes it a new one at rest, and
/// journals it; `write` keeps its answer (results[i]) until durable.
void put_at_rest(shard_self self, domain::product_entry& e, size_t i,
                 rest_write& write) {
  auto& st = self->state;
  domain::stored_product saved;
  if (auto r = st.resting.find(e.sku); r != st.resting.end())
    saved = r->second.unpack(); // at rest: no holds, nothing reserved
  else
    saved.state.sku = e.sku;
  auto& res = write.answer->results[i];
  res.created = saved.state.version == 0;
  saved.state.fields = std::move(e.fields);
  ++saved.state.version; // as product::replace
  res.doc = render_product_doc(saved.state);
  self->send(st.deps.journal, persistence::append_atom::value,
             domain::change{saved.state}, ++st.appended, st.deps.fence);
  put_to_rest(st, e.sku, saved);
  write.entries.push_back(i);
}

/// Sends entry `i` to `dest` (a product or the shard itself) as a single
/// put; its answer becomes results[i].
template <class Dest>
void put_through(shard_self self, const Dest& dest, domain::product_entry& e,
                 size_t i, const bulk_answer_ptr& answer) {
  ++answer->left;
  self->request(dest, caf::infinite, put_atom::value, std::move(e.sku),
                std::move(e.fields))
      .then(
          [answer, i](domain::write_result& res) {
            answer->results[i] = std::move(res);
            answer->part_done();
          },
          [answer, i](caf::error&) {
            answer->results[i].error = errc::unavailable;
            answer->part_done();
          });
}

/// Puts each entry through the shard's own put (forwarded or waiting, as
/// the shard is not serving).
void put_one_by_one(shard_self self,
                    std::vector<domain::product_entry>& entries,
                    const bulk_answer_ptr& answer) {
  auto me = caf::actor_cast<shard_control>(self);
  for (size_t i = 0; i < entries.size(); ++i)
    put_through(self, me, entries[i], i, answer);
}

/// Runs what waited for the shard's bulk puts to be durable or refused.
void writes_settled(shard_state& st) {
  if (st.writes.empty())
    for (auto& f : std::exchange(st.written, {}))
      f();
}

} // namespace

caf::result<std::vector<domain::write_result>>
bulk_put(shard_self self, std::vector<domain::product_entry>& entries) {
  auto& st = self->state;
  auto answer = std::make_shared<bulk_answer>();
  answer->promise = self->make_response_promise();
  answer->results.resize(entries.size());
  if (st.now != mode::serving) {
    put_one_by_one(self, entries, answer);
    answer->part_done();
    return answer->promise;
  }
  rest_write write{0, st.deps.fence, {}, answer};
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& e = entries[i];
    auto active = st.active.find(e.sku);
    if (active == st.active.end()) {
      put_at_rest(self, e, i, write);
      continue;
    }
    auto& slot = active->second;
    if (slot.gauges->orders > 0)
      touch(self, e.sku, slot);
    put_through(self, to_product(st, slot), e, i, answer);
  }
  if (!write.entries.empty()) {
    ++answer->left;
    write.ticket = st.appended;
    st.writes.push_back(std::move(write));
  }
  answer->part_done();
  return answer->promise;
}

void on_durable(shard_self self, uint64_t ticket) {
  auto& st = self->state;
  while (!st.writes.empty() && st.writes.front().ticket <= ticket) {
    auto write = std::move(st.writes.front());
    st.writes.pop_front();
    std::vector<domain::product_doc_ptr> docs;
    docs.reserve(write.entries.size());
    for (auto i : write.entries) {
      docs.push_back(write.answer->results[i].doc);
      if (st.deps.peer_updates)
        self->send(st.deps.peer_updates, update_atom::value, docs.back());
    }
    auto answer = std::move(write.answer);
    self->request(st.deps.catalog_updates, caf::infinite, update_atom::value,
                  std::move(docs))
        .then([answer](uint64_t) { answer->part_done(); },
              [answer](caf::error&) { answer->part_done(); });
  }
  writes_settled(st);
}

void on_refused(shard_self self, uint64_t ticket) {
  auto& st = self->state;
  while (!st.writes.empty() && st.writes.front().ticket <= ticket) {
    auto write = std::move(st.writes.front());
    st.writes.pop_front();
    for (auto i : write.entries) {
      auto& res = write.answer->results[i];
      auto sku = res.doc->sku;
      if (write.fence == st.deps.fence)
        if (auto r = st.resting.find(sku); r != st.resting.end()) {
          count_at_rest(*st.deps.stats, r->second, -1);
          st.resting.erase(r);
        }
      res = domain::refusal<domain::write_result>(errc::moved, sku);
    }
    write.answer->part_done();
  }
  writes_settled(st);
}

} // namespace doorbuster::actors::detail
