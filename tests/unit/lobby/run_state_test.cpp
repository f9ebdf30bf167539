// Unit tests of what a lobby run carries through a chat session (client/lobby/run_state.h).
#include "client/lobby/run_state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/process.h"

namespace peerlink::lobby {
namespace {

TEST(RunState, FormatsAndParsesBack) {
  RunState s{"123 456", {"  a b.txt  done -> /d/a b.txt (5 bytes in 0.1 s)", "  x  failed: 100%"}};
  const std::string text = format_run_state(s);
  EXPECT_EQ(text.rfind("peerlink-lobby-run 1\nprocess 123 456\ntransfer ", 0), 0u) << text;
  Expected<RunState> back = parse_run_state(text);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, s);
}

TEST(RunState, KeepsOnlyTheNewestLines) {
  RunState s{"1 2", {}};
  for (size_t i = 0; i < kMaxRunHistoryLines + 5; ++i) s.transfers.push_back(std::to_string(i));
  Expected<RunState> back = parse_run_state(format_run_state(s));
  ASSERT_TRUE(back.ok()) << back.message();
  ASSERT_EQ(back->transfers.size(), kMaxRunHistoryLines);
  EXPECT_EQ(back->transfers.front(), "5");
}

TEST(RunState, RejectsWhatItDidNotWrite) {
  EXPECT_FALSE(parse_run_state("").ok());
  EXPECT_FALSE(parse_run_state("peerlink-lobby-run 2\nprocess 1 2\n").ok());
  EXPECT_FALSE(parse_run_state("peerlink-lobby-run 1\nprocess 1 2").ok());  // cut off
  EXPECT_FALSE(parse_run_state("peerlink-lobby-run 1\ntransfer x\n").ok());
  EXPECT_FALSE(parse_run_state("peerlink-lobby-run 1\nprocess 1 2\ntransfer %zz\n").ok());
  EXPECT_FALSE(parse_run_state("peerlink-lobby-run 1\nprocess 1 2\nother\n").ok());
  std::string many = "peerlink-lobby-run 1\nprocess 1 2\n";
  for (size_t i = 0; i <= kMaxRunHistoryLines; ++i) many += "transfer x\n";
  EXPECT_FALSE(parse_run_state(many).ok());
}

TEST(RunState, TakenOnceAndOnlyByTheSameProcess) {
  testing::TempDir dir;
  EXPECT_FALSE(take_run_state(dir.path())->has_value());  // none
  RunState s{process_identity(), {"  a  done -> /d/a (1 bytes in 0.0 s)"}};
  ASSERT_TRUE(save_run_state(dir.path(), s).ok());
  Expected<std::optional<RunState>> got = take_run_state(dir.path());
  ASSERT_TRUE(got.ok()) << got.message();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, s);
  EXPECT_FALSE(std::filesystem::exists(run_state_path(dir.path())));
  EXPECT_FALSE(take_run_state(dir.path())->has_value());

  // Another process that had our PID before: not ours, and removed.
  ASSERT_TRUE(save_run_state(dir.path(), RunState{std::to_string(::getpid()) + " 1", {"x"}}).ok());
  got = take_run_state(dir.path());
  ASSERT_TRUE(got.ok()) << got.message();
  EXPECT_FALSE(got->has_value());
  EXPECT_FALSE(std::filesystem::exists(run_state_path(dir.path())));

  // Corrupt: said, and removed.
  ASSERT_TRUE(testing::write_file(run_state_path(dir.path()), "garbage\n"));
  EXPECT_FALSE(take_run_state(dir.path()).ok());
  EXPECT_FALSE(std::filesystem::exists(run_state_path(dir.path())));
}

TEST(RunState, ProcessIdentityIsStableAndNamesThePid) {
  const std::string id = process_identity();
  EXPECT_EQ(id, process_identity());
  EXPECT_EQ(id.rfind(std::to_string(::getpid()) + " ", 0), 0u) << id;
  EXPECT_NE(id, std::to_string(::getpid()) + " 0");
}

}  // namespace
}  // namespace peerlink::lobby
