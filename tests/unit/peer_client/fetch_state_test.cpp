// Tests for a download's resume state file: its text form, strict parsing, and atomic saving.
#include "peer_client/fetch/state.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "common/crypto/sha256.h"

namespace peerlink::peer_client {
namespace {

FetchState sample() {
  FetchState s;
  s.name = "my song (live).ogg";
  s.sha256 = std::string(64, 'c');
  s.blocks = BlockMap(5 * kFetchBlockBytes + 17, kFetchBlockBytes);
  s.blocks.set_done(1);
  s.blocks.set_done(5);
  return s;
}

std::string replace_line(const std::string& text, const std::string& key, const std::string& line) {
  const size_t at = text.find("\n" + key + " ") + 1;
  const size_t end = text.find('\n', at);
  return text.substr(0, at) + line + text.substr(end);
}

// Recomputes the check line so that only the edited field is wrong.
std::string reseal(const std::string& text) {
  const size_t at = text.rfind("check ");
  const std::string body = text.substr(0, at);
  return body + "check " + sha256_hex(body) + "\n";
}

TEST(FetchStateTest, FormatsTheDocumentedLines) {
  const std::string text = format_fetch_state(sample());
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "peerlink-fetch-state 1");
  std::getline(in, line);
  EXPECT_EQ(line, "name my%20song%20(live).ogg");
  std::getline(in, line);
  EXPECT_EQ(line, "size " + std::to_string(5 * kFetchBlockBytes + 17));
  std::getline(in, line);
  EXPECT_EQ(line, "sha256 " + std::string(64, 'c'));
  std::getline(in, line);
  EXPECT_EQ(line, "block 1048576");
  std::getline(in, line);
  EXPECT_EQ(line, "done 44");  // blocks 1 and 5 of 6
  std::getline(in, line);
  EXPECT_EQ(line.rfind("check ", 0), 0u);
}

TEST(FetchStateTest, RoundTrips) {
  FetchState out;
  ASSERT_TRUE(parse_fetch_state(format_fetch_state(sample()), &out));
  EXPECT_EQ(out.name, "my song (live).ogg");
  EXPECT_EQ(out.sha256, std::string(64, 'c'));
  EXPECT_EQ(out.blocks.file_size(), 5 * kFetchBlockBytes + 17);
  EXPECT_EQ(out.blocks.count(), 6u);
  EXPECT_TRUE(out.blocks.done(1));
  EXPECT_TRUE(out.blocks.done(5));
  EXPECT_EQ(out.blocks.done_count(), 2u);

  FetchState empty{"e", std::string(64, '0'), BlockMap(0, kFetchBlockBytes)};
  ASSERT_TRUE(parse_fetch_state(format_fetch_state(empty), &out));
  EXPECT_EQ(out.blocks.count(), 0u);
}

TEST(FetchStateTest, CorruptStatesAreRefused) {
  const std::string good = format_fetch_state(sample());
  FetchState out;
  EXPECT_FALSE(parse_fetch_state("", &out));
  EXPECT_FALSE(parse_fetch_state(good.substr(0, good.size() - 1), &out));  // cut short
  EXPECT_FALSE(parse_fetch_state(good + "x\n", &out));
  // A flipped bit with the old check: the check catches it.
  EXPECT_FALSE(parse_fetch_state(replace_line(good, "done", "done 4c"), &out));
  // Fields that are wrong even when the check is recomputed.
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "done", "done 4400")), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "done", "done 45")), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "block", "block 0")), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "size", "size -1")), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "size", "size 012")), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "sha256", "sha256 abc")), &out));
  EXPECT_FALSE(parse_fetch_state(
      reseal(replace_line(good, "sha256", "sha256 " + std::string(64, 'C'))), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "name", "name %-")), &out));
  // A name that is not a safe local name (found by fetch_state_fuzz once it resealed its inputs).
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "name", "name m%05%00s.ogg")), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "name", "name a%2Fb")), &out));
  EXPECT_FALSE(parse_fetch_state(reseal(replace_line(good, "name", "name .hidden")), &out));
  std::string v2 = good;
  v2.replace(0, std::string("peerlink-fetch-state 1").size(), "peerlink-fetch-state 2");
  EXPECT_FALSE(parse_fetch_state(reseal(v2), &out));
  // Reordered lines.
  std::string swapped = good;
  const size_t size_at = swapped.find("size ");
  const size_t size_end = swapped.find('\n', size_at) + 1;
  const std::string size_line = swapped.substr(size_at, size_end - size_at);
  swapped.erase(size_at, size_end - size_at);
  swapped.insert(swapped.find("done "), size_line);
  EXPECT_FALSE(parse_fetch_state(reseal(swapped), &out));
}

// A planted state whose (correctly sealed) size claims more blocks than its bitmap holds, or more
// than any download may have, is refused before anything is sized from the claim: the claim of
// 2^62 one-byte blocks would otherwise be a 512 PiB allocation (std::bad_alloc).
TEST(FetchStateTest, ClaimedSizesAreCheckedBeforeAllocating) {
  const std::string good = format_fetch_state(sample());
  FetchState out;
  const std::string huge = reseal(replace_line(
      replace_line(good, "size", "size " + std::to_string(uint64_t{1} << 62)), "block", "block 1"));
  EXPECT_LT(huge.size(), 300u);
  EXPECT_FALSE(parse_fetch_state(huge, &out));
  EXPECT_FALSE(parse_fetch_state(
      reseal(replace_line(good, "size", "size " + std::to_string(uint64_t{1} << 62))), &out));
  EXPECT_FALSE(
      parse_fetch_state(reseal(replace_line(good, "size", "size 18446744073709551615")), &out));
  EXPECT_FALSE(
      parse_fetch_state(reseal(replace_line(good, "size", "size 1000000000000000")), &out));
  // A zero-byte file has no blocks and says so with "-"; a bitmap there is refused.
  const std::string empty = reseal(replace_line(good, "size", "size 0"));
  EXPECT_FALSE(parse_fetch_state(empty, &out));
  ASSERT_TRUE(parse_fetch_state(reseal(replace_line(empty, "done", "done -")), &out));
  EXPECT_EQ(out.blocks.count(), 0u);
  // The largest map allowed still parses, with the bitmap its size calls for.
  const uint64_t max_size = kMaxBlockMapBlocks * 4096;
  const std::string largest = reseal(
      replace_line(replace_line(replace_line(good, "size", "size " + std::to_string(max_size)),
                                "block", "block 4096"),
                   "done", "done " + std::string(kMaxBlockMapBlocks / 4, '0')));
  ASSERT_TRUE(parse_fetch_state(largest, &out));
  EXPECT_EQ(out.blocks.count(), kMaxBlockMapBlocks);
  // One block more is refused, whatever the bitmap says.
  EXPECT_FALSE(parse_fetch_state(
      reseal(replace_line(largest, "size", "size " + std::to_string(max_size + 1))), &out));
}

class FetchStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peerlink_fetch_state_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(FetchStateFileTest, SavesAtomicallyAndLoads) {
  const std::string path = dir_ + "/.x.part.state";
  FetchState out;
  EXPECT_EQ(load_fetch_state(path, &out), StateLoad::kMissing);
  const Result saved = save_fetch_state(path, sample());
  ASSERT_TRUE(saved.ok()) << saved.message();
  ASSERT_EQ(load_fetch_state(path, &out), StateLoad::kOk);
  EXPECT_EQ(out.blocks.done_count(), 2u);
  // Only the state itself is left: the temporary file was renamed over it.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  std::ofstream(path, std::ios::trunc) << "garbage\n";
  EXPECT_EQ(load_fetch_state(path, &out), StateLoad::kCorrupt);
}

}  // namespace
}  // namespace peerlink::peer_client
