// The journal's format, group commit, segments, and recovery from torn and
// corrupt files, on real files.
#include "persistence/journal_actor.hpp"
#include "persistence/journal_files.hpp"
#include "support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>

namespace doorbuster::persistence {
namespace {

namespace fs = std::filesystem;

std::string temp_dir() {
  return testing::make_temp_dir("doorbuster-journal");
}

domain::change order(uint64_t id, int64_t stock_after) {
  return domain::order{.order_id = id,
                       .sku = "SKU-1",
                       .quantity = 1,
                       .customer_id = "customer",
                       .idempotency_key = "key-" + std::to_string(id),
                       .unit_price = 250,
                       .currency = "EUR",
                       .created_at_ms = 1700000000,
                       .after = {.stock = stock_after, .version = id + 1}};
}

domain::change product(const std::string& sku, uint64_t version) {
  return domain::product_state{
    .sku = sku,
    .fields = {"Name", "Desc", "cat", 100, "USD", 10},
    .version = version};
}

/// Writes records 1..n as one segment; returns the frames' end offsets.
std::vector<size_t> write_segment(const std::string& dir, size_t n) {
  std::vector<char> bytes;
  std::vector<size_t> ends;
  for (size_t seq = 1; seq <= n; ++seq) {
    append_frame(bytes, seq, seq % 2 ? product("P" + std::to_string(seq), seq)
                                     : order(seq, 5));
    ends.push_back(bytes.size());
  }
  std::ofstream out{segment_path(dir, 1), std::ios::binary};
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return ends;
}

std::vector<journal_record> scan_all(const std::string& dir, bool repair,
                                     scan_result* result = nullptr) {
  std::vector<journal_record> out;
  auto r = scan_journal(dir, 0, repair, [&](journal_record& rec) {
    out.push_back(rec);
  });
  if (result)
    *result = r;
  return out;
}

/// Appends orders `from`..`to` (tickets equal to their ids) as a producer
/// would, and waits until the journal says the last one is durable.
void append_orders(caf::actor_system& sys, const journal_actor& journal,
                   int from, int to) {
  caf::scoped_actor producer{sys};
  for (int i = from; i <= to; ++i)
    producer->send(journal, append_atom::value, order(i, 1),
                   static_cast<uint64_t>(i), uint64_t{0});
  uint64_t durable = 0;
  while (durable < static_cast<uint64_t>(to))
    producer->receive(
      [&](durable_atom, uint64_t ticket) { durable = ticket; },
      caf::after(std::chrono::seconds{20}) >> [&] {
        FAIL() << "no acknowledgement after ticket " << durable;
        durable = to;
      });
}

class journal_test : public ::testing::Test {
protected:
  std::string dir = temp_dir();
  ~journal_test() override { fs::remove_all(dir); }
};

TEST_F(journal_test, frames_round_trip_both_record_kinds) {
  std::vector<char> bytes;
  append_frame(bytes, 7, product("A", 3));
  append_frame(bytes, 8, order(42, 9));
  journal_record first, second;
  size_t size1 = 0, size2 = 0;
  ASSERT_EQ(read_frame(bytes.data(), bytes.size(), first, size1),
            frame_status::ok);
  ASSERT_EQ(read_frame(bytes.data() + size1, bytes.size() - size1, second,
                       size2),
            frame_status::ok);
  EXPECT_EQ(size1 + size2, bytes.size());
  EXPECT_EQ(first.seq, 7u);
  EXPECT_EQ(std::get<domain::product_state>(first.entry).sku, "A");
  EXPECT_EQ(std::get<domain::product_state>(first.entry).version, 3u);
  const auto& o = std::get<domain::order>(second.entry);
  EXPECT_EQ(second.seq, 8u);
  EXPECT_EQ(o.order_id, 42u);
  EXPECT_EQ(o.idempotency_key, "key-42");
  EXPECT_EQ(o.after.stock, 9);
}

TEST_F(journal_test, torn_tail_at_every_byte_of_the_last_record_is_cut) {
  auto ends = write_segment(dir, 5);
  auto path = segment_path(dir, 1);
  std::ifstream in{path, std::ios::binary};
  std::vector<char> full{std::istreambuf_iterator<char>{in},
                         std::istreambuf_iterator<char>{}};
  for (size_t cut = ends[3] + 1; cut < ends[4]; ++cut) {
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out.write(full.data(), static_cast<std::streamsize>(cut));
    out.close();
    scan_result result;
    auto records = scan_all(dir, false, &result);
    ASSERT_EQ(records.size(), 4u) << "cut at " << cut;
    EXPECT_EQ(result.last_seq, 4u);
    EXPECT_EQ(fs::file_size(path), ends[3]) << "torn tail cut at " << cut;
  }
}

TEST_F(journal_test, flipped_bit_in_the_middle_stops_recovery) {
  auto ends = write_segment(dir, 5);
  auto path = segment_path(dir, 1);
  {
    std::fstream f{path, std::ios::binary | std::ios::in | std::ios::out};
    f.seekp(static_cast<std::streamoff>(ends[1] + 12));
    char c;
    f.read(&c, 1);
    c ^= 0x10;
    f.seekp(static_cast<std::streamoff>(ends[1] + 12));
    f.write(&c, 1);
  }
  EXPECT_THROW(scan_all(dir, false), journal_corrupt);
  EXPECT_EQ(fs::file_size(path), ends[4]) << "nothing cut without --repair";
  scan_result result;
  auto repaired = scan_all(dir, true, &result);
  std::vector<uint64_t> seqs;
  for (const auto& r : repaired)
    seqs.push_back(r.seq);
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 4, 5}))
    << "only the damaged record is dropped";
  ASSERT_EQ(result.dropped.size(), 1u);
  EXPECT_EQ(result.dropped[0].first, 3u);
  EXPECT_EQ(result.dropped[0].last, 3u);
  EXPECT_EQ(fs::file_size(path), ends[4] - (ends[2] - ends[1]));
  // The next start accepts the gap the repair recorded, without --repair.
  EXPECT_EQ(scan_all(dir, false).size(), 4u);
}

/// Segments of `per_segment` records each, records 1..n, and a manifest
/// saying all of them are durable, as a clean stop leaves them.
std::vector<std::string> write_segments(const std::string& dir, size_t n,
                                        size_t per_segment) {
  std::vector<std::string> paths;
  for (size_t first = 1; first <= n; first += per_segment) {
    std::vector<char> bytes;
    for (size_t seq = first; seq < first + per_segment && seq <= n; ++seq)
      append_frame(bytes, seq, order(seq, 5));
    paths.push_back(segment_path(dir, first));
    std::ofstream out{paths.back(), std::ios::binary};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  write_manifest(dir, {.durable = n, .lost = {}});
  return paths;
}

TEST_F(journal_test, newest_segment_shortened_or_deleted_is_refused) {
  auto paths = write_segments(dir, 30, 10);
  // Cut at a record boundary: the frames left are all valid.
  std::vector<char> kept;
  for (uint64_t seq = 21; seq <= 24; ++seq)
    append_frame(kept, seq, order(seq, 5));
  fs::resize_file(paths[2], kept.size());
  try {
    scan_all(dir, false);
    ADD_FAILURE() << "a shortened newest segment was accepted";
  } catch (const journal_corrupt& ex) {
    EXPECT_NE(std::string{ex.what()}.find("25 to 30 (6 records)"),
              std::string::npos)
      << ex.what();
  }
  fs::remove(paths[2]);
  EXPECT_THROW(scan_all(dir, false), journal_corrupt) << "deleted";
  fs::resize_file(paths[1], 0);
  EXPECT_THROW(scan_all(dir, false), journal_corrupt) << "emptied";
  scan_result result;
  EXPECT_EQ(scan_all(dir, true, &result).size(), 10u);
  ASSERT_EQ(result.dropped.size(), 1u);
  EXPECT_EQ(result.dropped[0].first, 11u);
  EXPECT_EQ(result.dropped[0].last, 30u);
  EXPECT_EQ(read_manifest(dir).durable, 10u)
    << "new records continue after the ones kept";
  EXPECT_EQ(scan_all(dir, false).size(), 10u);
}

TEST_F(journal_test, a_deleted_middle_segment_is_refused_and_repaired) {
  auto paths = write_segments(dir, 30, 10);
  fs::remove(paths[1]);
  try {
    scan_all(dir, false);
    ADD_FAILURE() << "a missing segment was accepted";
  } catch (const journal_corrupt& ex) {
    EXPECT_NE(std::string{ex.what()}.find("11 to 20 (10 records)"),
              std::string::npos)
      << ex.what();
  }
  scan_result result;
  EXPECT_EQ(scan_all(dir, true, &result).size(), 20u)
    << "every record of the other segments is kept";
  ASSERT_EQ(result.dropped.size(), 1u);
  EXPECT_EQ(result.dropped[0].first, 11u);
  EXPECT_EQ(result.dropped[0].last, 20u);
  EXPECT_EQ(scan_all(dir, false).size(), 20u) << "the gap is on record";
}

TEST_F(journal_test, a_damaged_older_segment_keeps_every_intact_record) {
  auto paths = write_segments(dir, 30, 10);
  // Damage the oldest segment's last record: nothing valid follows it in
  // that file, but newer segments do, so this is not a torn tail.
  auto size = fs::file_size(paths[0]);
  {
    std::fstream f{paths[0], std::ios::binary | std::ios::in | std::ios::out};
    f.seekp(static_cast<std::streamoff>(size - 3));
    f.put('\x7f');
  }
  EXPECT_THROW(scan_all(dir, false), journal_corrupt);
  scan_result result;
  EXPECT_EQ(scan_all(dir, true, &result).size(), 29u);
  ASSERT_EQ(result.dropped.size(), 1u);
  EXPECT_EQ(result.dropped[0].first, 10u);
  EXPECT_EQ(result.dropped[0].last, 10u);
}

TEST_F(journal_test, a_torn_tail_after_the_durable_mark_is_no_loss) {
  auto paths = write_segments(dir, 30, 10);
  write_manifest(dir, {.durable = 25, .lost = {}}); // 26..30 not yet marked
  fs::resize_file(paths[2], fs::file_size(paths[2]) - 5);
  scan_result result;
  EXPECT_EQ(scan_all(dir, false, &result).size(), 29u)
    << "a crash mid-write loses only what was never acknowledged";
  EXPECT_TRUE(result.dropped.empty());
  write_manifest(dir, {.durable = 30, .lost = {}});
  EXPECT_THROW(scan_all(dir, false), journal_corrupt)
    << "but record 30 was acknowledged";
}

TEST_F(journal_test, a_clean_stop_marks_how_far_the_journal_reached) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  status stat;
  auto journal = spawn_journal(sys, dir, {}, 1, {}, &stat);
  append_orders(sys, journal, 1, 40);
  caf::anon_send(journal, stop_atom::value);
  sys.await_all_actors_done();
  EXPECT_EQ(read_manifest(dir).durable, 40u);
}

TEST_F(journal_test, group_commit_batches_appends_and_acks_after_sync) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  status stat;
  auto journal = spawn_journal(sys, dir, {}, 1, {}, &stat);
  constexpr uint64_t n = 2000;
  caf::scoped_actor producer{sys};
  // The only producer: its ticket i is record i.
  for (uint64_t i = 1; i <= n; ++i)
    producer->send(journal, append_atom::value, order(i, 1), i, uint64_t{0});
  uint64_t acked = 0;
  size_t acks = 0;
  bool ack_before_durable = false;
  while (acked < n)
    producer->receive(
      [&](durable_atom, uint64_t ticket) {
        EXPECT_GT(ticket, acked) << "acknowledgements move forward";
        if (stat.durable_seq.load() < ticket)
          ack_before_durable = true;
        acked = ticket;
        ++acks;
      },
      caf::after(std::chrono::seconds{20}) >> [&] {
        FAIL() << "no acknowledgement after ticket " << acked;
        acked = n;
      });
  // A scoped actor counts as running until it is destroyed.
  caf::anon_send(journal, stop_atom::value);
  producer->wait_for(journal);
  EXPECT_FALSE(ack_before_durable);
  EXPECT_EQ(stat.appends.load(), n);
  EXPECT_LT(stat.syncs.load(), n)
    << "appends queued during a sync must share the next one";
  EXPECT_EQ(acks, stat.syncs.load()) << "one acknowledgement per commit";
  EXPECT_EQ(scan_all(dir, false).size(), static_cast<size_t>(n));
}

TEST_F(journal_test, each_producer_hears_of_its_own_records_only) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  status stat;
  auto journal = spawn_journal(sys, dir, {}, 1, {}, &stat);
  caf::scoped_actor a{sys};
  caf::scoped_actor b{sys};
  for (uint64_t i = 1; i <= 100; ++i) {
    a->send(journal, append_atom::value, order(i, 1), i, uint64_t{0});
    b->send(journal, append_atom::value, order(1000 + i, 1), 5000 + i, uint64_t{0});
  }
  auto last_ack = [](caf::scoped_actor& producer, uint64_t until) {
    uint64_t seen = 0;
    while (seen < until)
      producer->receive([&](durable_atom, uint64_t ticket) { seen = ticket; },
                        caf::after(std::chrono::seconds{20}) >> [&] {
                          seen = until + 1; // give up, fail below
                        });
    return seen;
  };
  EXPECT_EQ(last_ack(a, 100), 100u);
  EXPECT_EQ(last_ack(b, 5100), 5100u);
  caf::anon_send(journal, stop_atom::value);
  a->wait_for(journal);
  EXPECT_EQ(scan_all(dir, false).size(), 200u);
}

TEST_F(journal_test, cursor_follows_the_writer_through_preallocated_space) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  status stat;
  auto journal = spawn_journal(sys, dir, {}, 1, {}, &stat);
  journal_cursor cursor{dir, 0};
  std::vector<journal_record> read;
  for (int round = 0; round < 5; ++round) {
    append_orders(sys, journal, round * 10 + 1, round * 10 + 10);
    cursor.read(stat.durable_seq, 1000, read);
    ASSERT_EQ(read.size(), static_cast<size_t>(round * 10 + 10));
    EXPECT_EQ(read.back().seq, static_cast<uint64_t>(round * 10 + 10));
  }
  caf::anon_send(journal, stop_atom::value);
  sys.await_all_actors_done();
}

TEST_F(journal_test, cursor_never_keeps_bytes_read_while_being_written) {
  // Records 1-3 written, record 4 half written, the rest preallocated zeros:
  // what a reader may see while the writer is inside a pwrite.
  std::vector<char> bytes;
  for (uint64_t seq = 1; seq <= 4; ++seq)
    append_frame(bytes, seq, order(seq, 1));
  auto full = bytes;
  auto fourth = full.size() - 40;
  std::fill(bytes.begin() + static_cast<long>(fourth), bytes.end(), '\0');
  bytes.resize(bytes.size() + 4096, '\0');
  auto path = segment_path(dir, 1);
  auto write = [&](const std::vector<char>& b) {
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out.write(b.data(), static_cast<std::streamsize>(b.size()));
  };
  write(bytes);
  journal_cursor cursor{dir, 0};
  std::vector<journal_record> read;
  cursor.read(3, 100, read);
  ASSERT_EQ(read.size(), 3u);
  // The writer finishes record 4 and reports it durable.
  std::copy(full.begin(), full.end(), bytes.begin());
  write(bytes);
  cursor.read(4, 100, read);
  ASSERT_EQ(read.size(), 4u);
  EXPECT_EQ(read.back().seq, 4u);
}

TEST_F(journal_test, segments_roll_and_confirmed_ones_are_deleted) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  status stat;
  config::persistence_options opts;
  opts.segment_bytes = 2048;
  opts.group_commit_records = 8;
  auto journal = spawn_journal(sys, dir, opts, 1, {}, &stat);
  append_orders(sys, journal, 1, 200);
  auto segments = list_segments(dir);
  EXPECT_GT(segments.size(), 3u);
  // The cursor reads behind the writer across every segment.
  journal_cursor cursor{dir, 0};
  std::vector<journal_record> read;
  while (read.size() < 200) {
    auto before = read.size();
    cursor.read(200, 64, read);
    ASSERT_GT(read.size(), before);
  }
  EXPECT_EQ(read.back().seq, 200u);
  stat.confirmed_seq = 150;
  append_orders(sys, journal, 201, 210);
  auto left = list_segments(dir);
  for (size_t i = 0; i + 1 < left.size(); ++i)
    EXPECT_GT(left[i + 1].first_seq - 1, 150u)
      << "a segment holding only confirmed records was kept";
  EXPECT_LE(left.front().first_seq, 151u) << "unconfirmed records are kept";
  caf::anon_send(journal, stop_atom::value);
  sys.await_all_actors_done();
  scan_result result;
  std::vector<journal_record> rest;
  result = scan_journal(dir, 150, false,
                        [&](journal_record& r) { rest.push_back(r); });
  EXPECT_EQ(result.last_seq, 210u);
  EXPECT_EQ(rest.back().seq, 210u);
}

} // namespace
} // namespace doorbuster::persistence
