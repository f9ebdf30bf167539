// Unit tests of the lobby's Tab completion (client/lobby/completions.h): which candidates for
// which word, and that a source is only asked when its kind of word is completed.
#include "client/lobby/completions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace peerlink::lobby {
namespace {

struct Asked {
  int users = 0, remote = 0, local = 0;
};

CompletionSources sources(Asked* asked) {
  CompletionSources s;
  s.users = [asked] {
    ++asked->users;
    return std::vector<std::string>{"alice", "bob"};
  };
  s.remote_files = [asked] {
    ++asked->remote;
    return std::vector<std::string>{"song.ogg"};
  };
  s.local_files = [asked] {
    ++asked->local;
    return std::vector<std::string>{"notes.txt"};
  };
  return s;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(LobbyCompletions, CommandWordsFirst) {
  Asked asked;
  const LineEditor::Completion c = complete_lobby_line("ch", sources(&asked));
  EXPECT_EQ(c.word_start, 0u);
  EXPECT_TRUE(has(c.candidates, "chat"));
  EXPECT_TRUE(has(c.candidates, "users"));
  EXPECT_TRUE(has(c.candidates, "transfers"));
  EXPECT_EQ(asked.users + asked.remote + asked.local, 0);
}

TEST(LobbyCompletions, ArgumentsByCommand) {
  Asked asked;
  const CompletionSources s = sources(&asked);
  LineEditor::Completion c = complete_lobby_line("chat b", s);
  EXPECT_EQ(c.word_start, 5u);
  EXPECT_EQ(c.candidates, (std::vector<std::string>{"alice", "bob"}));
  c = complete_lobby_line("info  ", s);  // two spaces: the word starts after both
  EXPECT_EQ(c.word_start, 6u);
  EXPECT_TRUE(has(c.candidates, "bob"));
  EXPECT_EQ(complete_lobby_line("get so", s).candidates, (std::vector<std::string>{"song.ogg"}));
  EXPECT_EQ(complete_lobby_line("get song.ogg b", s).candidates,
            (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(complete_lobby_line("send no", s).candidates, (std::vector<std::string>{"notes.txt"}));
  EXPECT_EQ(complete_lobby_line("send notes.txt alice b", s).candidates,
            (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(complete_lobby_line("3 b", s).candidates, (std::vector<std::string>{"alice", "bob"}))
      << "menu number 3 is chat";
  EXPECT_TRUE(complete_lobby_line("search x", s).candidates.empty());
  EXPECT_TRUE(complete_lobby_line("chat bob x", s).candidates.empty());
  EXPECT_EQ(asked.local, 1);
  EXPECT_EQ(asked.remote, 1);
}

TEST(LobbyCompletions, WithTheEditor) {
  Asked asked;
  const CompletionSources s = sources(&asked);
  LineEditor ed;
  ed.set_completer([&](std::string_view before) { return complete_lobby_line(before, s); });
  std::string echo, line;
  for (char c : std::string("cha\tb\t\r")) ed.feed(c, &echo, &line);
  EXPECT_EQ(line, "chat bob ");
}

}  // namespace
}  // namespace peerlink::lobby
