// Unit tests of the lobby's directory printing: a FILES/SEARCH reply as the user sees it, and
// "no such user". No broker: the replies are made here and the console writes to a pipe.
#include "client/lobby/directory.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/lobby/files.h"
#include "common/wire/broker_limits.h"
#include "tests/unit/lobby/offline_lobby.h"

namespace peerlink::lobby {
namespace {

const std::string kSha(64, 'a');

BrokerMessage msg(const std::string& line) {
  BrokerMessage m;
  EXPECT_TRUE(parse_broker_message(line, &m)) << line;
  return m;
}

// A Directory over a link that was never connected, printing into a pipe.
class DirectoryTest : public OfflineLobbyTest {
 protected:
  void SetUp() override {
    OfflineLobbyTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = std::make_unique<Directory>(console_.get(), link_.get(), "alice");
  }
  void print(const BrokerConn::Reply& r) {
    dir_->print_files(
        r, [](size_t n) { return files_count(n) + " shared:"; }, "no files shared");
  }

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
  // The console writes to a pipe: a script's listing, names percent-encoded, sizes exact.
  const ListingStyle scripted = listing_style(false, false);
  const std::string out = printed();
  EXPECT_EQ(out,
            "2 files shared:\n" + file_line(a, scripted) + "\n" + file_line(b, scripted) + "\n");
  EXPECT_NE(out.find("  carol  b%20c.txt  3 bytes  sha256 aaaaaaaaaaaa\n"), std::string::npos);
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
