// Unit tests of the lobby's directory printing: a FILES/SEARCH reply as the user sees it, and
// "no such user". No broker: the replies are made here and the console writes to a pipe.
#include "client/lobby/directory.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/lobby/files.h"
#include "common/base/fd.h"
#include "common/wire/broker_limits.h"

namespace peerlink::lobby {
namespace {

const std::string kSha(64, 'a');

BrokerMessage msg(const std::string& line) {
  BrokerMessage m;
  EXPECT_TRUE(parse_broker_message(line, &m)) << line;
  return m;
}

// A Directory over a link that was never connected, printing into a pipe.
class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    // Room for a listing at the broker's limit (the console does not wait for a reader).
    ASSERT_GE(::fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 19);
    read_end_.reset(p[0]);
    write_end_.reset(p[1]);
    console_ = std::make_unique<LobbyConsole>(-1, write_end_.get(), false, false);
    link_ = std::make_unique<BrokerLink>(console_.get(), options_, BrokerConn(), Identity{}, "");
    dir_ = std::make_unique<Directory>(console_.get(), link_.get(), "alice");
  }
  std::string printed() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(read_end_.get(), buf, sizeof buf)) > 0;) {
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  void print(const BrokerConn::Reply& r) {
    dir_->print_files(
        r, [](size_t n) { return files_count(n) + " shared:"; }, "no files shared");
  }

  UniqueFd read_end_, write_end_;
  ClientOptions options_;
  std::unique_ptr<LobbyConsole> console_;
  std::unique_ptr<BrokerLink> link_;
  std::unique_ptr<Directory> dir_;
};

TEST_F(DirectoryTest, PrintsTheTitleAndOneLinePerFileSkippingBadLines) {
  BrokerConn::Reply r;
  r.head = msg("OK FILES 3");
  r.body = {msg("FILE bob a.txt 12 " + kSha), msg("FILE bob broken"),
            msg("FILE carol b%20c.txt 3 " + kSha)};
  print(r);
  FileEntry a{"bob", "a.txt", 12, kSha};
  FileEntry b{"carol", "b c.txt", 3, kSha};
  EXPECT_EQ(printed(), "2 files shared:\n" + file_line(a) + "\n" + file_line(b) + "\n");
}

TEST_F(DirectoryTest, NoFilesAnErrorAndTheListingLimit) {
  BrokerConn::Reply r;
  r.head = msg("OK FILES 0");
  print(r);
  EXPECT_EQ(printed(), "no files shared\n");

  r.head = msg("ERR 400 bad request");
  print(r);
  EXPECT_EQ(printed(), "cannot list files: bad request\n");

  r.head = msg("OK FILES " + std::to_string(wire::kMaxReplyLines));
  r.body.assign(wire::kMaxReplyLines, msg("FILE bob a.txt 1 " + kSha));
  print(r);
  const std::string out = printed();
  const std::string limit =
      "(the broker lists at most " + std::to_string(wire::kMaxReplyLines) + ")\n";
  ASSERT_GE(out.size(), limit.size());
  EXPECT_EQ(out.substr(out.size() - limit.size()), limit);
}

TEST_F(DirectoryTest, NoSuchUserIsPrintedPrintable) {
  dir_->say_no_such_user("bo\x01b");
  const std::string out = printed();
  EXPECT_NE(out.find(": no such user\n"), std::string::npos) << out;
  EXPECT_EQ(out.find('\x01'), std::string::npos) << "printed as printable()";
}

}  // namespace
}  // namespace peerlink::lobby
