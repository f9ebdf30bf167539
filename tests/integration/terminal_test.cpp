// Integration tests of the terminal behaviour (docs/LOBBY.md "Terminal and script modes",
// docs/SESSION.md "What the user sees"): the real programs run on a pseudo-terminal
// (tests/support/pty_process.h) and are compared with the same programs on pipes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/pty_process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;

constexpr milliseconds kTransferWait{60000};  // a few MiB under TSan, with margin

// The escape sequences the lobby writes (client/lobby/console.cpp).
constexpr char kClearLine[] = "\r\x1b[K";
constexpr char kReset[] = "\x1b[0m";
constexpr char kBold[] = "\x1b[1m";
constexpr char kGreen[] = "\x1b[32m";
constexpr char kCyan[] = "\x1b[36m";
constexpr char kBoldYellow[] = "\x1b[1;33m";

size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  for (const std::string& l : lines) {
    if (l == line) return true;
  }
  return false;
}

bool has_line_matching(const std::vector<std::string>& lines, const std::string& pattern) {
  const std::regex re(pattern);
  for (const std::string& l : lines) {
    if (std::regex_match(l, re)) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "|" + l + "|\n";
  return s;
}

// Raw terminal bytes made readable for failure messages.
std::string visible(const std::string& raw) {
  std::string s;
  for (char c : raw) {
    if (c == '\x1b') {
      s += "<ESC>";
    } else if (c == '\r') {
      s += "<CR>";
    } else if (c == '\n') {
      s += "<LF>\n";
    } else {
      s.push_back(c);
    }
  }
  return s;
}

// Whether the terminal is in the lobby's editing mode: no canonical input, no echo, but signals
// (Ctrl-C) still on (client/lobby/terminal_mode.cpp).
bool raw_mode(const std::optional<termios>& t) {
  return t && (t->c_lflag & (ICANON | ECHO)) == 0 && (t->c_lflag & ISIG) != 0;
}
// The kernel's default for a new terminal, which the lobby must put back.
bool cooked_mode(const std::optional<termios>& t) {
  return t && (t->c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG);
}

// The status line of a transfer (common/term/progress.cpp ProgressMeter::bar) at 0 %, as the first
// update of every transfer draws it: nothing has moved, so the rate is 0 and the ETA unknown.
std::string bar_at_zero(const std::string& name) {
  return name + " [" + std::string(24, '.') + "]   0% 0 B/s ETA --:--";
}

class TerminalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = start_broker(dir_.path());
    ASSERT_NE(broker_.port, 0) << "broker did not start";
  }

  std::string share_of(const std::string& name) {
    std::string d = dir_.file("share-" + name);
    fs::create_directories(d);
    return d;
  }
  std::string downloads_of(const std::string& name) { return dir_.file("downloads-" + name); }

  std::vector<std::string> lobby_argv(const std::string& name) {
    std::vector<std::string> argv = {bin_path("_c"), "127.0.0.1", std::to_string(broker_.port)};
    argv.insert(argv.end(), {"--user", name, "--share", share_of(name)});
    argv.insert(argv.end(), {"--downloads", downloads_of(name)});
    return argv;
  }

  // `_c` on a pseudo-terminal, with a colour-capable TERM and no NO_COLOR unless `env` says
  // otherwise (the test must not depend on the environment ctest runs in). Returns once the
  // lobby is idle: registered, menu shown, shared folder announced, prompt drawn.
  std::unique_ptr<PtyProcess> pty_lobby(const std::string& name,
                                        const std::map<std::string, std::string>& env = {}) {
    PtyProcess::Options o;
    o.env["TERM"] = "xterm-256color";
    o.unset_env = {"NO_COLOR"};
    for (const auto& [k, v] : env) o.env[k] = v;
    auto p = PtyProcess::start(lobby_argv(name), o);
    EXPECT_TRUE(p != nullptr);
    if (p) settle(p.get(), name);
    return p;
  }

  // Waits for what a lobby prints when it starts (or, `back`, comes back from a session: no
  // menu then) on a terminal.
  void settle(PtyProcess* p, const std::string& name, const std::string& shares = "no files",
              bool back = false) {
    EXPECT_TRUE(p->wait_for("registered as " + name + " on 127.0.0.1:")) << p->text_output();
    EXPECT_TRUE(p->wait_for(back ? "back in the lobby — type help for the commands"
                                 : "type a number or a command"))
        << p->text_output();
    EXPECT_TRUE(p->wait_for("sharing " + shares + " from")) << p->text_output();
    EXPECT_TRUE(p->wait_for(name + "> ")) << p->text_output();
  }

  std::unique_ptr<Process> pipe_lobby(const std::string& name,
                                      const Process::Options& options = {}) {
    auto p = Process::start(lobby_argv(name), options);
    EXPECT_TRUE(p != nullptr);
    if (p) {
      EXPECT_TRUE(p->wait_line("registered as " + name + " on")) << p->output();
      EXPECT_TRUE(p->wait_line("sharing no files from")) << p->output();
    }
    return p;
  }

  // A lobby on a terminal with `env`; shows the menu, runs `help` and `users`, quits with Ctrl-D.
  // Returns everything it wrote.
  std::string menu_help_users_quit(const std::map<std::string, std::string>& env) {
    auto alice = pty_lobby("alice", env);
    if (!alice) return "";
    EXPECT_TRUE(raw_mode(alice->settings())) << "the lobby does not edit the line itself";
    alice->write("help\r");
    EXPECT_TRUE(alice->wait_for("help")) << alice->text_output();  // the editor's echo
    EXPECT_TRUE(alice->wait_for(" 11  quit")) << alice->text_output();
    alice->write("users\r");
    EXPECT_TRUE(alice->wait_for("1 user online:")) << alice->text_output();
    EXPECT_TRUE(alice->wait_for("  alice  127.0.0.1:")) << alice->text_output();
    alice->write("\x04");  // Ctrl-D on an empty line leaves, like quit
    EXPECT_TRUE(alice->wait_for("bye")) << alice->text_output();
    std::optional<int> st = alice->wait_exit();
    EXPECT_TRUE(st && WIFEXITED(*st) && WEXITSTATUS(*st) == 0) << alice->text_output();
    // Left as found: the shell after it needs canonical input and echo.
    EXPECT_TRUE(cooked_mode(alice->settings())) << "terminal settings not restored on exit";
    return alice->raw_output();
  }

  // alice asks bob to chat and bob accepts: both terminals are in the session when it returns.
  void start_session(PtyProcess* alice, PtyProcess* bob) {
    ASSERT_TRUE(alice->write("chat bob\r"));
    ASSERT_TRUE(bob->wait_for("accept alice? [y/n] ")) << bob->text_output();
    ASSERT_TRUE(bob->write("y\r"));
    ASSERT_TRUE(alice->wait_for("connected to bob — type to chat")) << alice->text_output();
    ASSERT_TRUE(bob->wait_for("connected to alice — type to chat")) << bob->text_output();
    ASSERT_TRUE(alice->wait_for("[bob] ")) << alice->text_output();  // the input line
    ASSERT_TRUE(bob->wait_for("[alice] ")) << bob->text_output();
  }

  TempDir dir_;
  BrokerProcess broker_;
};

// 1. On a terminal: the numbered menu, a prompt, and colour.
TEST_F(TerminalTest, LobbyOnATerminalShowsMenuPromptAndColour) {
  const std::string raw = menu_help_users_quit({});
  ASSERT_FALSE(raw.empty());
  const std::vector<std::string> screen = screen_lines(raw);
  // The menu (client/lobby/menu.cpp) is printed once after registering and once for `help`.
  const std::string users_entry = "  1  users               list who is online";
  EXPECT_TRUE(has_line(screen, users_entry)) << joined(screen);
  EXPECT_EQ(count_of(strip_ansi(raw), users_entry), 2u) << visible(raw);
  EXPECT_TRUE(has_line(screen, " 11  quit                leave")) << joined(screen);
  // The editor echoed the typed commands after the prompt, and Enter left them on the screen.
  EXPECT_TRUE(has_line(screen, "alice> help")) << joined(screen);
  EXPECT_TRUE(has_line(screen, "alice> users")) << joined(screen);

  // Colour: registered in green (before editing starts, so no line clearing in front), the
  // prompt in bold and redrawn after every line, the users heading in bold.
  const std::string registered = "registered as alice on 127.0.0.1:" + std::to_string(broker_.port);
  EXPECT_NE(raw.find(std::string(kGreen) + registered + kReset + "\r\n"), std::string::npos)
      << visible(raw);
  EXPECT_NE(raw.find(std::string(kClearLine) + kBold + "alice> " + kReset), std::string::npos)
      << visible(raw);
  EXPECT_NE(raw.find(std::string(kClearLine) + kBold + "1 user online:" + kReset + "\r\n" + kBold +
                     "alice> " + kReset),
            std::string::npos)
      << visible(raw);
  EXPECT_NE(raw.find(std::string(kGreen) + "sharing no files from"), std::string::npos)
      << visible(raw);
  // Nothing but line clearing and the console's own colours.
  const std::set<std::string> allowed = {"\x1b[K", kReset, kBold, kGreen, kCyan, kBoldYellow};
  for (const std::string& seq : escape_sequences(raw)) {
    EXPECT_TRUE(allowed.count(seq) > 0) << "unexpected sequence " << visible(seq);
  }
}

// The checks shared by the no-colour cases: only "\r ESC[K" (the prompt must still be kept
// below notifications), never an SGR (ESC[...m); the text itself is unchanged.
void expect_no_colour(const std::string& raw) {
  ASSERT_FALSE(raw.empty());
  const std::vector<std::string> sequences = escape_sequences(raw);
  EXPECT_FALSE(sequences.empty()) << "the prompt is no longer redrawn: " << visible(raw);
  for (const std::string& seq : sequences) {
    EXPECT_EQ(seq, "\x1b[K") << visible(raw);
  }
  EXPECT_EQ(count_of(raw, "\x1b"), count_of(raw, kClearLine)) << visible(raw);
  EXPECT_EQ(std::regex_search(raw, std::regex("\x1b\\[[0-9;]*m")), false) << visible(raw);
  const std::vector<std::string> screen = screen_lines(raw);
  EXPECT_TRUE(has_line(screen, "  1  users               list who is online")) << joined(screen);
  EXPECT_TRUE(has_line(screen, "alice> users")) << joined(screen);
  EXPECT_NE(raw.find("\r\x1b[Kalice> "), std::string::npos) << visible(raw);
}

TEST_F(TerminalTest, NoColourWhenNoColorIsSet) {
  SCOPED_TRACE("NO_COLOR=1");
  expect_no_colour(menu_help_users_quit({{"NO_COLOR", "1"}}));
}

TEST_F(TerminalTest, NoColourOnADumbTerminal) {
  SCOPED_TRACE("TERM=dumb");
  expect_no_colour(menu_help_users_quit({{"TERM", "dumb"}}));
}

// https://no-color.org: only a non-empty NO_COLOR counts.
TEST_F(TerminalTest, EmptyNoColorKeepsColour) {
  const std::string raw = menu_help_users_quit({{"NO_COLOR", ""}});
  EXPECT_NE(raw.find(std::string(kBold) + "alice> " + kReset), std::string::npos) << visible(raw);
  EXPECT_NE(raw.find(kGreen), std::string::npos) << visible(raw);
}

// 2. A join and a leave arrive while a command is half typed: each is printed on its own line
// above the prompt, the typed text is redrawn after it, and the finished line runs as typed.
TEST_F(TerminalTest, NotificationsRedrawThePartlyTypedLine) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  ASSERT_TRUE(alice->write("inf"));
  ASSERT_TRUE(alice->wait_for("inf")) << alice->text_output();  // echoed after the prompt
  ASSERT_EQ(screen_lines(alice->raw_output()).back(), "alice> inf");

  auto bob = pipe_lobby("bob");
  ASSERT_TRUE(bob);
  // Clear the line holding "alice> inf", print the notice (cyan), then prompt and typed text.
  const std::string redrawn = std::string(kClearLine) + kCyan + "* bob joined" + kReset + "\r\n" +
                              kBold + "alice> " + kReset + "inf";
  ASSERT_TRUE(alice->wait_for_raw(redrawn)) << visible(alice->raw_output());
  std::string raw = alice->raw_output();
  // The screen as it was right after that redraw (bob's share count may follow at any time).
  std::vector<std::string> screen = screen_lines(raw.substr(0, raw.find(redrawn) + redrawn.size()));
  EXPECT_TRUE(has_line(screen, "* bob joined")) << joined(screen);
  EXPECT_EQ(screen.back(), "alice> inf") << joined(screen);
  // The next notification redraws the same typed text again.
  ASSERT_TRUE(alice->wait_for_raw(std::string(kClearLine) + kCyan + "* bob shares no files" +
                                  kReset + "\r\n" + kBold + "alice> " + kReset + "inf"))
      << visible(alice->raw_output());

  // Finishing the line runs `info bob`: the redraw kept what the editor holds.
  ASSERT_TRUE(alice->write("o bob\r"));
  ASSERT_TRUE(alice->wait_for("bob is at 127.0.0.1:")) << alice->text_output();
  ASSERT_TRUE(alice->wait_for("alice> ")) << alice->text_output();
  screen = screen_lines(alice->raw_output());
  EXPECT_TRUE(has_line(screen, "alice> info bob")) << joined(screen);
  EXPECT_EQ(alice->text_output().find("no such user"), std::string::npos) << alice->text_output();
  EXPECT_EQ(alice->text_output().find("unknown command"), std::string::npos)
      << alice->text_output();

  // The same for a leave, in the middle of another word.
  ASSERT_TRUE(alice->write("us"));
  ASSERT_TRUE(alice->wait_for("us")) << alice->text_output();
  ASSERT_EQ(screen_lines(alice->raw_output()).back(), "alice> us");
  bob->write_line("quit");
  ASSERT_TRUE(bob->wait_exit());
  ASSERT_TRUE(alice->wait_for_raw(std::string(kClearLine) + kCyan + "* bob left" + kReset + "\r\n" +
                                  kBold + "alice> " + kReset + "us"))
      << visible(alice->raw_output());
  ASSERT_TRUE(alice->write("ers\r"));
  ASSERT_TRUE(alice->wait_for("1 user online:")) << alice->text_output();
  ASSERT_TRUE(alice->wait_for("alice> ")) << alice->text_output();
  screen = screen_lines(alice->raw_output());
  EXPECT_TRUE(has_line(screen, "alice> users")) << joined(screen);
}

// A chat request while typing: the question is printed above, the prompt turns into the question
// ("accept alice? [y/n] ") with the typed text after it; Ctrl-U then erases it, and `n` answers.
TEST_F(TerminalTest, ChatRequestWhileTypingKeepsTheLine) {
  auto bob = pty_lobby("bob");
  ASSERT_TRUE(bob);
  auto alice = pipe_lobby("alice");
  ASSERT_TRUE(alice);
  // Both notifications of alice's arrival are out before typing starts.
  ASSERT_TRUE(bob->wait_for("* alice joined")) << bob->text_output();
  ASSERT_TRUE(bob->wait_for("* alice shares no files")) << bob->text_output();
  ASSERT_TRUE(bob->wait_for("bob> ")) << bob->text_output();
  ASSERT_TRUE(bob->write("hello"));
  ASSERT_TRUE(bob->wait_for("hello")) << bob->text_output();
  ASSERT_EQ(screen_lines(bob->raw_output()).back(), "bob> hello");

  alice->write_line("chat bob");
  ASSERT_TRUE(alice->wait_line("asked bob to chat, waiting for an answer")) << alice->output();
  ASSERT_TRUE(bob->wait_for("alice wants to chat")) << bob->text_output();
  ASSERT_TRUE(bob->wait_for("accept alice? [y/n] hello")) << bob->text_output();
  // The news in bold yellow above the old prompt and typed text, then the prompt that asks.
  ASSERT_TRUE(bob->wait_for_raw(std::string(kClearLine) + kBoldYellow + "alice wants to chat" +
                                kReset + "\r\n" + kBold + "bob> " + kReset + "hello" + kClearLine +
                                kBold + "accept alice? [y/n] " + kReset + "hello"))
      << visible(bob->raw_output());
  // Asked once: by the prompt, not also by the line.
  EXPECT_EQ(count_of(bob->text_output(), "accept? [y/n]"), 0u) << bob->text_output();

  ASSERT_TRUE(bob->write("\x15"));  // Ctrl-U: the whole typed line goes, the prompt is redrawn
  ASSERT_TRUE(bob->wait_for_raw(std::string(kClearLine) + kBold + "accept alice? [y/n] " + kReset))
      << visible(bob->raw_output());
  EXPECT_EQ(screen_lines(bob->raw_output()).back(), "accept alice? [y/n] ");
  ASSERT_TRUE(bob->write("n\r"));
  ASSERT_TRUE(bob->wait_for("declined alice's request")) << bob->text_output();
  EXPECT_TRUE(alice->wait_line("bob declined")) << alice->output();
  ASSERT_TRUE(bob->wait_for("bob> ")) << bob->text_output();
  EXPECT_TRUE(has_line(screen_lines(bob->raw_output()), "accept alice? [y/n] n"));
}

// Ctrl-C typed on the terminal reaches the lobby (its process group is in the foreground) and it
// leaves cleanly: the broker is told, so others see the leave at once.
TEST_F(TerminalTest, CtrlCOnTheTerminalLeavesCleanly) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  auto bob = pipe_lobby("bob");
  ASSERT_TRUE(bob);
  ASSERT_TRUE(alice->wait_for("* bob joined")) << alice->text_output();
  ASSERT_TRUE(alice->write("\x03"));
  EXPECT_TRUE(alice->wait_for("bye")) << alice->text_output();
  std::optional<int> st = alice->wait_exit();
  ASSERT_TRUE(st) << alice->text_output();
  EXPECT_TRUE(WIFEXITED(*st) && WEXITSTATUS(*st) == 0) << *st;
  EXPECT_TRUE(bob->wait_line("* alice left")) << bob->output();
}

// A transfer's status lines in `raw` (common/term/progress.cpp): every one well formed, its bar
// filled in proportion to its percentage. Returns the percentages, in order.
std::vector<int> check_bars(const std::string& raw, const std::string& name) {
  std::vector<int> percents;
  const std::regex bar(std::regex_replace(name, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                       R"( \[([#.]{24})\] ([ \d]{2}\d)% [0-9.]+ (B|KiB|MiB|GiB)/s ETA )"
                       R"((--:--|\d+:\d\d))");
  size_t occurrences = 0;
  for (size_t at = raw.find(name + " ["); at != std::string::npos;
       at = raw.find(name + " [", at + 1)) {
    ++occurrences;
  }
  for (auto it = std::sregex_iterator(raw.begin(), raw.end(), bar); it != std::sregex_iterator();
       ++it) {
    const std::string cells = (*it)[1];
    const int pct = std::stoi((*it)[2]);
    percents.push_back(pct);
    const size_t filled = static_cast<size_t>(pct * 24 / 100);
    EXPECT_EQ(cells, std::string(filled, '#') + std::string(24 - filled, '.')) << it->str();
    // Each bar is (re)drawn from the start of a wiped line.
    const auto at = static_cast<size_t>(it->position());
    EXPECT_TRUE(at >= 4 && raw.compare(at - 4, 4, kClearLine) == 0) << it->str();
  }
  EXPECT_EQ(percents.size(), occurrences) << "malformed bar in " << visible(raw);
  return percents;
}

// 3. A chat session on two terminals: a few MiB sent with /send shows a live bar on both sides,
// kept on one line that is wiped and redrawn, and the file arrives intact. A second file with a
// long name shows that the bar is cut to the window's width (100 columns here).
TEST_F(TerminalTest, SessionOnATerminalShowsProgressBars) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  auto bob = pty_lobby("bob");
  ASSERT_TRUE(bob);
  ASSERT_TRUE(alice->write("chat bob\r"));
  ASSERT_TRUE(alice->wait_for("asked bob to chat, waiting for an answer")) << alice->text_output();
  ASSERT_TRUE(bob->wait_for("alice wants to chat")) << bob->text_output();
  ASSERT_TRUE(bob->write("y\r"));
  ASSERT_TRUE(alice->wait_for("connected to bob — type to chat")) << alice->text_output();
  ASSERT_TRUE(bob->wait_for("connected to alice — type to chat")) << bob->text_output();

  // The session edits the line itself, as the lobby does (docs/TERMINAL.md): raw mode, its own
  // line shown as "HH:MM alice: hello bob" once Enter is pressed, the peer's name in a colour.
  EXPECT_TRUE(raw_mode(alice->settings()));
  EXPECT_TRUE(raw_mode(bob->settings()));
  ASSERT_TRUE(alice->write("hello bob\r"));
  ASSERT_TRUE(bob->wait_for("alice: hello bob")) << bob->text_output();
  ASSERT_TRUE(alice->wait_for("alice: hello bob")) << alice->text_output();
  EXPECT_TRUE(has_line_matching(screen_lines(alice->raw_output()), R"(\d\d:\d\d alice: hello bob)"))
      << joined(screen_lines(alice->raw_output()));
  EXPECT_TRUE(has_line_matching(screen_lines(bob->raw_output()), R"(\d\d:\d\d alice: hello bob)"))
      << joined(screen_lines(bob->raw_output()));
  EXPECT_TRUE(
      std::regex_search(bob->raw_output(), std::regex("\x1b\\[[0-9;]+malice\x1b\\[0m: hello bob")))
      << visible(bob->raw_output());

  const std::string data = random_data(4 * 1024 * 1024 + 321, 7);
  // On a terminal sizes are for people (on a pipe they stay exact: peer_session_test).
  const std::string size = "4.0 MiB";
  ASSERT_TRUE(write_file(share_of("alice") + "/big.bin", data));
  ASSERT_TRUE(alice->write("/send " + share_of("alice") + "/big.bin\r"));
  // Nothing is hashed before the offer (issue 11): no "hashing" line or bar, and with no hash
  // cache in the shared folder the digest follows with the data.
  ASSERT_TRUE(alice->wait_for("offered big.bin (" + size + ") to bob")) << alice->text_output();
  EXPECT_EQ(alice->text_output().find("hashing"), std::string::npos) << alice->text_output();
  ASSERT_TRUE(bob->wait_for("alice offers big.bin (" + size + ", sha256 follows with the data)"))
      << bob->text_output();
  ASSERT_TRUE(bob->write("y\r"));
  ASSERT_TRUE(bob->wait_for("received big.bin -> ", kTransferWait)) << bob->text_output();
  ASSERT_TRUE(alice->wait_for("sent big.bin (" + size + ")", kTransferWait))
      << alice->text_output();
  std::optional<std::string> got = read_file(downloads_of("bob") + "/big.bin");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == data) << "received file differs";

  // Receiver: the bar appears at 0 % when the transfer is accepted and is redrawn in place up to
  // 100 % (the last chunk is always drawn), then wiped before the "received" line.
  const std::string bob_raw = bob->raw_output();
  EXPECT_NE(bob_raw.find(kClearLine + bar_at_zero("big.bin") + "\r"), std::string::npos)
      << visible(bob_raw);
  // Below the status line is the input line: both are wiped (the bar goes) and the input line
  // drawn again, then the "received" line takes its row.
  const std::regex full(R"(\r\x1b\[Kbig\.bin \[#{24}\] 100% [0-9.]+ (B|KiB|MiB|GiB)/s ETA 0:00)"
                        R"(\r\n[^\n]*\r\x1b\[K\d\d:\d\d \x1b\[2m-!-\x1b\[0m )"
                        R"(received big\.bin -> )");
  EXPECT_TRUE(std::regex_search(bob_raw, full)) << visible(bob_raw);
  std::vector<int> bob_pcts = check_bars(bob_raw, "big.bin");
  ASSERT_GE(bob_pcts.size(), 2u);
  EXPECT_EQ(bob_pcts.front(), 0);
  EXPECT_EQ(bob_pcts.back(), 100);
  for (size_t i = 1; i < bob_pcts.size(); ++i) EXPECT_LE(bob_pcts[i - 1], bob_pcts[i]);
  // Sender: the bar from the accept on (the sender never draws 100 %: "sent" replaces it).
  const std::string alice_raw = alice->raw_output();
  EXPECT_NE(alice_raw.find(kClearLine + bar_at_zero("big.bin") + "\r"), std::string::npos)
      << visible(alice_raw);
  EXPECT_TRUE(std::regex_search(
      alice_raw,
      std::regex(R"(\r\x1b\[K\d\d:\d\d \x1b\[2m-!-\x1b\[0m sent big\.bin \()" + size + "\\)")))
      << visible(alice_raw);
  std::vector<int> alice_pcts = check_bars(alice_raw, "big.bin");
  ASSERT_GE(alice_pcts.size(), 1u);
  EXPECT_EQ(alice_pcts.front(), 0);
  // The wiped status line leaves nothing behind on the screen.
  EXPECT_FALSE(has_line(screen_lines(bob_raw), bar_at_zero("big.bin")));
  std::printf("[ measured ] bars drawn for 4 MiB: receiver %zu, sender %zu\n", bob_pcts.size(),
              alice_pcts.size());

  // A name too long for the window: the status line is cut at 99 columns, so that it never
  // wraps (a wrapped line could not be wiped with one "\r ESC[K").
  const std::string long_name = "long-" + std::string(81, 'n') + ".bin";  // 90 characters
  const std::string small = random_data(300 * 1024, 8);
  ASSERT_TRUE(write_file(share_of("bob") + "/" + long_name, small));
  ASSERT_TRUE(bob->write("/send " + share_of("bob") + "/" + long_name + "\r"));
  // (The lines naming it wrap under their text, so only their start is looked for.)
  ASSERT_TRUE(alice->wait_for("bob offers long-nnn")) << alice->text_output();
  ASSERT_TRUE(alice->wait_for("[bob] ")) << alice->text_output();  // the offer's prompt
  ASSERT_TRUE(alice->write("y\r"));
  ASSERT_TRUE(alice->wait_for("received long-nnn", kTransferWait)) << alice->text_output();
  ASSERT_TRUE(bob->wait_for("sent long-nnn", kTransferWait)) << bob->text_output();
  got = read_file(downloads_of("alice") + "/" + long_name);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == small) << "received file differs";
  const std::string cut = bar_at_zero(long_name).substr(0, 99);
  EXPECT_NE(alice->raw_output().find(kClearLine + cut + "\r"), std::string::npos)
      << visible(alice->raw_output());
  EXPECT_NE(bob->raw_output().find(kClearLine + cut + "\r"), std::string::npos)
      << visible(bob->raw_output());

  // Both go back to their lobby, which takes the terminal again: menu, prompt, line editing.
  ASSERT_TRUE(alice->write("/quit\r"));
  EXPECT_TRUE(alice->wait_for("returning to the lobby")) << alice->text_output();
  EXPECT_TRUE(bob->wait_for("returning to the lobby")) << bob->text_output();
  settle(alice.get(), "alice", "1 file", true);
  settle(bob.get(), "bob", "1 file", true);
  // The full menu only when the run started, not again after the session.
  EXPECT_EQ(count_of(alice->text_output(), "type a number or a command"), 1u)
      << alice->text_output();
  EXPECT_TRUE(raw_mode(alice->settings()));
  EXPECT_TRUE(raw_mode(bob->settings()));
  ASSERT_TRUE(bob->write("users\r"));
  EXPECT_TRUE(bob->wait_for("2 users online:")) << bob->text_output();
  EXPECT_TRUE(has_line(screen_lines(bob->raw_output()), "bob> users"));
}

// After Ctrl-Z and fg the lobby sets its mode again and repaints the line being typed. A
// session leader's process group is orphaned, so the kernel discards a typed Ctrl-Z (SIGTSTP)
// for it; SIGSTOP stops it the same way, and the test then does what a shell does before `fg`:
// puts the terminal back in its own (canonical) mode and sends SIGCONT.
TEST_F(TerminalTest, ContinueAfterStopSetsTheModeAgain) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  ASSERT_TRUE(alice->write("inf"));
  ASSERT_TRUE(alice->wait_for("inf")) << alice->text_output();
  alice->kill(SIGSTOP);
  ASSERT_TRUE(alice->wait_stopped()) << alice->text_output();
  std::optional<termios> shell = alice->settings();
  ASSERT_TRUE(shell);
  shell->c_lflag |= ICANON | ECHO;
  ASSERT_TRUE(alice->set_settings(*shell));
  alice->kill(SIGCONT);
  // The repaint: the line wiped, the prompt and the typed text drawn again.
  ASSERT_TRUE(alice->wait_for_raw(std::string(kClearLine) + kBold + "alice> " + kReset + "inf"))
      << visible(alice->raw_output());
  EXPECT_TRUE(raw_mode(alice->settings()));
  ASSERT_TRUE(alice->write("o alice\r"));
  ASSERT_TRUE(alice->wait_for("alice is at 127.0.0.1:")) << alice->text_output();
  EXPECT_TRUE(has_line(screen_lines(alice->raw_output()), "alice> info alice"));
}

// A typed line longer than the window must not wrap: a notification's "\r ESC[K" would wipe
// only its last row and leave the rest above the notification (a `send` with a full path easily
// passes 80 or 100 columns). The row shows the end of the line after a '<' instead, and the
// whole line is still what runs.
TEST_F(TerminalTest, NotificationAboveALineLongerThanTheWindow) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  const std::string typed = "search " + std::string(110, 'x');  // 124 columns with the prompt
  // 100 columns: the prompt (7), '<', and the last 91 characters, short of the last column.
  const std::string row_end = "alice> <" + std::string(91, 'x');
  ASSERT_TRUE(alice->write(typed));
  ASSERT_TRUE(alice->wait_for(row_end)) << alice->text_output();
  auto bob = pipe_lobby("bob");
  ASSERT_TRUE(bob);
  ASSERT_TRUE(alice->wait_for("* bob joined")) << alice->text_output();
  ASSERT_TRUE(alice->wait_for("* bob shares no files")) << alice->text_output();
  ASSERT_TRUE(alice->wait_for(row_end)) << alice->text_output();  // redrawn after it
  // What a 100-column terminal shows: the two notices right under the last line before the
  // typing started, then the typed line (however many rows it takes), and no piece of it above.
  const std::vector<std::string> screen = screen_lines(alice->raw_output(), 100);
  size_t joined_at = 0;
  while (joined_at < screen.size() && screen[joined_at] != "* bob joined") ++joined_at;
  ASSERT_TRUE(joined_at > 0 && joined_at + 2 < screen.size()) << joined(screen);
  for (size_t i = 0; i < joined_at; ++i) {
    EXPECT_EQ(screen[i].find("xxxxxxxxxx"), std::string::npos) << "row " << i << "\n"
                                                               << joined(screen);
  }
  EXPECT_EQ(screen[joined_at - 1].rfind("sharing no files from", 0), 0u) << joined(screen);
  EXPECT_EQ(screen[joined_at + 1], "* bob shares no files") << joined(screen);
  EXPECT_EQ(screen[joined_at + 2], row_end) << joined(screen);
  // The whole line is what runs, although only its end is on the screen.
  ASSERT_TRUE(alice->write("\r"));
  EXPECT_TRUE(alice->wait_for("no files match \"" + std::string(110, 'x') + "\""))
      << alice->text_output();
}

// The session programs follow NO_COLOR (and TERM=dumb) as the lobby they were exec'd from does
// (https://no-color.org): one terminal, one rule (colour_wanted() in common/term/terminal.h).
TEST_F(TerminalTest, SessionHonoursNoColor) {
  auto alice = pty_lobby("alice", {{"NO_COLOR", "1"}});
  ASSERT_TRUE(alice);
  auto bob = pty_lobby("bob", {{"NO_COLOR", "1"}});
  ASSERT_TRUE(bob);
  ASSERT_TRUE(alice->write("chat bob\r"));
  ASSERT_TRUE(bob->wait_for("alice wants to chat")) << bob->text_output();
  ASSERT_TRUE(bob->write("y\r"));
  ASSERT_TRUE(alice->wait_for("connected to bob — type to chat")) << alice->text_output();
  ASSERT_TRUE(bob->wait_for("connected to alice — type to chat")) << bob->text_output();
  ASSERT_TRUE(alice->write("hi there\r"));
  ASSERT_TRUE(bob->wait_for("alice: hi there")) << bob->text_output();
  const std::string raw = bob->raw_output();
  EXPECT_FALSE(std::regex_search(raw, std::regex("\x1b\\[[0-9;]*m"))) << visible(raw);
}

// 4. Without a terminal: plain lines, not a single escape byte, even with a colour TERM.
TEST_F(TerminalTest, PipesCarryNoEscapeSequences) {
  Process::Options o;
  o.env["TERM"] = "xterm-256color";
  o.unset_env = {"NO_COLOR"};
  auto alice = pipe_lobby("alice", o);
  ASSERT_TRUE(alice);
  auto bob = pipe_lobby("bob", o);
  ASSERT_TRUE(bob);
  ASSERT_TRUE(alice->wait_line("* bob joined")) << alice->output();
  alice->write_line("users");
  ASSERT_TRUE(alice->wait_line("2 users online:")) << alice->output();
  alice->write_line("help");
  ASSERT_TRUE(alice->wait_line("commands: users, info USER, chat USER")) << alice->output();
  ASSERT_TRUE(alice->wait_line("answer a chat request or a file offer with y or n"))
      << alice->output();
  alice->write_line("quit");
  ASSERT_TRUE(alice->wait_exit());
  const std::string out = alice->output();
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  // No menu, no prompt: only whole lines.
  EXPECT_EQ(out.find("  1  users"), std::string::npos) << out;
  EXPECT_EQ(out.find("alice> "), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n') << out;
}

// ---- issue 10: the line editor and the screen in a session ----

size_t rows_containing(const std::vector<std::string>& rows, const std::string& needle) {
  size_t n = 0;
  for (const std::string& r : rows) n += r.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

// Arrow keys edit the line (on main's code they reached the peer as "?[D"), Up recalls it, and
// a resized window gets its input line drawn again at the new width.
TEST_F(TerminalTest, SessionEditsTheLineWithArrowsHistoryAndResize) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  auto bob = pty_lobby("bob");
  ASSERT_TRUE(bob);
  start_session(alice.get(), bob.get());

  ASSERT_TRUE(alice->write("helo\x1b[Dl\r"));  // helo, Left, l, Enter
  ASSERT_TRUE(bob->wait_for("alice: hello")) << bob->text_output();
  EXPECT_TRUE(has_line_matching(screen_lines(bob->raw_output()), R"(\d\d:\d\d alice: hello)"))
      << joined(screen_lines(bob->raw_output()));
  EXPECT_EQ(bob->text_output().find("[D"), std::string::npos) << bob->text_output();
  ASSERT_TRUE(alice->wait_for("alice: hello")) << alice->text_output();             // our own line
  ASSERT_TRUE(alice->wait_for_raw(": hello\r\n")) << visible(alice->raw_output());  // past edits

  ASSERT_TRUE(alice->write("\x1b[A"));  // Up: the line again, ready to edit
  ASSERT_TRUE(alice->wait_for_raw(std::string(kClearLine) + kBold + "[bob] " + kReset + "hello"))
      << visible(alice->raw_output());
  EXPECT_EQ(screen_lines(alice->raw_output()).back(), "[bob] hello");
  ASSERT_TRUE(alice->write("\x01!\r"));  // Ctrl-A, "!", Enter
  ASSERT_TRUE(bob->wait_for("alice: !hello")) << bob->text_output();

  // 60 characters fit 100 columns; at 40 the row is drawn again, scrolled, short of the edge.
  const std::string typed(60, 'x');
  ASSERT_TRUE(alice->write(typed));
  ASSERT_TRUE(alice->wait_for(typed)) << alice->text_output();
  ASSERT_TRUE(alice->resize(40, 30));
  ASSERT_TRUE(alice->wait_for_raw(std::string(kClearLine) + kBold + "[bob] " + kReset + "<" +
                                  std::string(32, 'x')))
      << visible(alice->raw_output());
  const std::vector<std::string> narrow = screen_lines(alice->raw_output(), 40);
  EXPECT_EQ(narrow.back(), "[bob] <" + std::string(32, 'x')) << joined(narrow);
  ASSERT_TRUE(alice->write("\r"));
  EXPECT_TRUE(bob->wait_for("alice: " + typed)) << bob->text_output();
}

// A half-typed line stays whole on the input row when a chat line arrives (on main's code it
// was glued to it: "half-typedbob: hi") and while a transfer's bar is redrawn above it.
TEST_F(TerminalTest, SessionKeepsAPartialLineBelowChatAndProgress) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  auto bob = pty_lobby("bob");
  ASSERT_TRUE(bob);
  start_session(alice.get(), bob.get());

  ASSERT_TRUE(alice->write("half-typed"));
  ASSERT_TRUE(alice->wait_for("half-typed")) << alice->text_output();
  ASSERT_TRUE(bob->write("hi\r"));
  ASSERT_TRUE(alice->wait_for("bob: hi")) << alice->text_output();
  ASSERT_TRUE(alice->wait_for("[bob] half-typed")) << alice->text_output();
  std::vector<std::string> screen = screen_lines(alice->raw_output());
  EXPECT_EQ(screen.back(), "[bob] half-typed") << joined(screen);
  EXPECT_TRUE(has_line_matching(screen, R"(\d\d:\d\d bob: hi)")) << joined(screen);
  EXPECT_EQ(rows_containing(screen, "half-typed"), 1u) << joined(screen);

  // bob offers a file and types on while it is offered and sent.
  const std::string data = random_data(4 * 1024 * 1024, 9);
  ASSERT_TRUE(write_file(share_of("bob") + "/big.bin", data));
  ASSERT_TRUE(bob->write("/send " + share_of("bob") + "/big.bin\rpartial"));
  ASSERT_TRUE(bob->wait_for("offered big.bin")) << bob->text_output();
  ASSERT_TRUE(bob->wait_for("[alice] partial")) << bob->text_output();
  ASSERT_TRUE(alice->wait_for("bob offers big.bin")) << alice->text_output();
  ASSERT_TRUE(alice->write("\x15y\r"));  // Ctrl-U (the half-typed line goes), then y
  ASSERT_TRUE(bob->wait_for("sent big.bin", kTransferWait)) << bob->text_output();
  ASSERT_TRUE(bob->wait_for("[alice] partial")) << bob->text_output();
  const std::string raw = bob->raw_output();
  // The bar was drawn above the partial line, which came back under it each time.
  EXPECT_NE(raw.find(bar_at_zero("big.bin") + "\r\n" + kBold + "[alice] " + kReset + "partial"),
            std::string::npos)
      << visible(raw);
  screen = screen_lines(raw);
  EXPECT_EQ(screen.back(), "[alice] partial") << joined(screen);
  EXPECT_EQ(rows_containing(screen, "partial"), 1u) << joined(screen);
  EXPECT_EQ(rows_containing(screen, "big.bin ["), 0u) << "a bar left behind\n" << joined(screen);
  EXPECT_EQ(rows_containing(screen, "hashing big.bin: ["), 0u) << joined(screen);
  ASSERT_TRUE(bob->write("\r"));
  EXPECT_TRUE(alice->wait_for("bob: partial")) << alice->text_output();
}

// Tab in the lobby: a command word, then a user name from the broker's list; a second Tab
// lists what is left to choose from.
TEST_F(TerminalTest, TabCompletesCommandsAndUserNames) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  auto bob = pipe_lobby("bob");
  ASSERT_TRUE(bob);
  ASSERT_TRUE(alice->wait_for("* bob shares no files")) << alice->text_output();
  ASSERT_TRUE(alice->write("inf\t"));
  ASSERT_TRUE(alice->wait_for_raw(std::string(kClearLine) + kBold + "alice> " + kReset + "info "))
      << visible(alice->raw_output());
  ASSERT_TRUE(alice->write("b\t"));
  ASSERT_TRUE(
      alice->wait_for_raw(std::string(kClearLine) + kBold + "alice> " + kReset + "info bob "))
      << visible(alice->raw_output());
  ASSERT_TRUE(alice->write("\r"));
  ASSERT_TRUE(alice->wait_for("bob is at 127.0.0.1:")) << alice->text_output();

  ASSERT_TRUE(alice->write("s\t\t"));  // search, send, share
  ASSERT_TRUE(alice->wait_for("search  send  share")) << alice->text_output();
  ASSERT_TRUE(alice->wait_for("alice> s")) << alice->text_output();  // the prompt below
  EXPECT_EQ(screen_lines(alice->raw_output()).back(), "alice> s");
}

// The lobby redraws its prompt when the window is resized (SIGWINCH): a typed line that fitted
// 100 columns is scrolled to fit 40.
TEST_F(TerminalTest, LobbyRedrawsThePromptOnResize) {
  auto alice = pty_lobby("alice");
  ASSERT_TRUE(alice);
  const std::string typed = "search " + std::string(50, 'y');
  ASSERT_TRUE(alice->write(typed));
  ASSERT_TRUE(alice->wait_for(typed)) << alice->text_output();
  ASSERT_TRUE(alice->resize(40, 30));
  // 40 columns: the prompt (7), '<' and the last 31 characters, short of the last column.
  ASSERT_TRUE(alice->wait_for_raw(std::string(kClearLine) + kBold + "alice> " + kReset + "<" +
                                  std::string(31, 'y')))
      << visible(alice->raw_output());
  ASSERT_TRUE(alice->write("\r"));
  EXPECT_TRUE(alice->wait_for("no files match")) << alice->text_output();
}

// Two lobbies on pipes chat: the session writes plain lines only, not one escape byte, and our
// own lines are not repeated (as on main).
TEST_F(TerminalTest, SessionOnPipesWritesNoEscapeByte) {
  Process::Options o;
  o.env["TERM"] = "xterm-256color";
  o.unset_env = {"NO_COLOR"};
  auto alice = pipe_lobby("alice", o);
  ASSERT_TRUE(alice);
  auto bob = pipe_lobby("bob", o);
  ASSERT_TRUE(bob);
  ASSERT_TRUE(alice->write_line("chat bob"));
  ASSERT_TRUE(bob->wait_line("alice wants to chat")) << bob->output();
  ASSERT_TRUE(bob->write_line("y"));
  ASSERT_TRUE(alice->wait_line("connected to bob")) << alice->output();
  ASSERT_TRUE(bob->wait_line("connected to alice")) << bob->output();
  ASSERT_TRUE(alice->write_line("hello there"));
  ASSERT_TRUE(bob->wait_line("alice: hello there")) << bob->output();
  ASSERT_TRUE(bob->write_line("/quit"));
  ASSERT_TRUE(alice->wait_line("bob left")) << alice->output();
  for (const std::string& out : {alice->output(), bob->output()}) {
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  }
  EXPECT_NE(bob->output().find("\nalice: hello there\n"), std::string::npos) << bob->output();
  EXPECT_EQ(alice->output().find("alice: hello there"), std::string::npos) << alice->output();
}

// ---- a real terminal: tmux on a private socket ----

// Runs `command` with /bin/sh; its standard output.
std::string shell_output(const std::string& command) {
  std::string out;
  FILE* f = ::popen(command.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// One tmux server on its own socket, 80x24, killed with everything in it when destroyed.
class Tmux {
 public:
  Tmux(const std::string& socket, const std::string& command) : socket_(socket) {
    ok_ = std::system((tmux() + " new-session -d -x 80 -y 24 " + quoted(command)).c_str()) == 0;
  }
  ~Tmux() { (void)std::system((tmux() + " kill-server 2>/dev/null").c_str()); }
  bool ok() const { return ok_; }
  std::string capture() { return shell_output(tmux() + " capture-pane -p"); }
  // Waits (bounded) until the visible pane contains `needle`.
  bool wait_for(const std::string& needle, milliseconds timeout = kDefaultWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (capture().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the pane
    }
    return false;
  }
  void keys(const std::string& literal) {
    (void)std::system((tmux() + " send-keys -l " + quoted(literal)).c_str());
  }
  void enter() { (void)std::system((tmux() + " send-keys Enter").c_str()); }

 private:
  std::string tmux() const { return "tmux -f /dev/null -S " + quoted(socket_); }
  std::string socket_;
  bool ok_ = false;
};

// What a user sees in a real terminal: the half-typed line alone on the last row, the incoming
// chat line above it with its time, nothing glued together.
TEST_F(TerminalTest, TmuxShowsThePartialLineBelowAnIncomingLine) {
  if (std::system("command -v tmux >/dev/null 2>&1") != 0) GTEST_SKIP() << "tmux is missing";
  std::string command =
      "env XDG_CONFIG_HOME=" + quoted(dir_.file("config-alice")) + " TERM=xterm-256color";
  for (const std::string& a : lobby_argv("alice")) command += " " + quoted(a);
  Tmux tmux(dir_.file("tmux.sock"), command);
  ASSERT_TRUE(tmux.ok());
  ASSERT_TRUE(tmux.wait_for("alice>")) << tmux.capture();  // (trailing spaces are not captured)
  auto bob = pipe_lobby("bob");
  ASSERT_TRUE(bob);
  tmux.keys("chat bob");
  tmux.enter();
  ASSERT_TRUE(bob->wait_line("alice wants to chat")) << bob->output();
  ASSERT_TRUE(bob->write_line("y"));
  ASSERT_TRUE(tmux.wait_for("[bob]")) << tmux.capture();
  tmux.keys("half-typed");
  ASSERT_TRUE(tmux.wait_for("[bob] half-typed")) << tmux.capture();
  ASSERT_TRUE(bob->write_line("hi there"));
  ASSERT_TRUE(tmux.wait_for("bob: hi there")) << tmux.capture();
  ASSERT_TRUE(tmux.wait_for("[bob] half-typed")) << tmux.capture();
  std::vector<std::string> rows;
  const std::string pane = tmux.capture();
  for (size_t at = 0; at < pane.size();) {
    const size_t nl = pane.find('\n', at);
    rows.push_back(pane.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    at = nl == std::string::npos ? pane.size() : nl + 1;
  }
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back(), "[bob] half-typed") << pane;
  EXPECT_EQ(rows_containing(rows, "half-typed"), 1u) << pane;
  EXPECT_TRUE(has_line_matching(rows, R"(\d\d:\d\d bob: hi there)")) << pane;
  std::printf("[ screen ] a session in tmux, 80x24:\n%s", pane.c_str());
}

}  // namespace
}  // namespace peerlink::testing
