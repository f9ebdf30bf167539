// Tests for one source of a download against a scripted file server on loopback (port 0): how
// FetchConnection::run() ends when the block arrives, when the source refuses and when it closes.
#include "peer_client/fetch/connection.h"

#include <stdlib.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/crypto/sha256.h"
#include "common/net/net.h"
#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"

namespace peerlink::peer_client {
namespace {

namespace fs = std::filesystem;

const std::string kContent = "bytes of the shared file";

class FetchConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peerlink-fetchconn-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok()) << l.message();
    source_.owner = "alice";
    source_.ip = "127.0.0.1";
    source_.port = local_port(l->get());
    source_.file = "song.ogg";
    source_.size = kContent.size();
    source_.sha256 = sha256_hex(kContent);
    source_.ticket = "ticket";
    listener_ = std::move(*l);
    target_ =
        std::make_unique<FetchTarget>(root_.string(), "song.ogg", kContent.size(), source_.sha256);
    Expected<FetchTarget::Prepared> prepared = target_->prepare();
    ASSERT_TRUE(prepared) << prepared.message();
    queue_ = std::make_unique<FetchQueue>(std::move(prepared->blocks));
  }
  void TearDown() override {
    if (server_.joinable()) server_.join();
    fs::remove_all(root_);
  }

  // Serves one connection: reads one GET and lets `answer` reply to it (given its id).
  void serve(std::function<void(int fd, uint32_t id)> answer) {
    server_ = std::thread([this, answer = std::move(answer)] {
      UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      Frame get;
      GetRequest g;
      if (!fd || !read_frame(fd.get(), &get).ok() || get.type != wire::kGet ||
          !decode_get_request(get.payload, &g)) {
        return;
      }
      answer(fd.get(), g.id);
    });
  }

  FetchConnection::Outcome run() {
    FetchConnection conn(source_, "bob", queue_.get(), target_.get(), &counters_);
    FetchConnection::Outcome outcome = conn.run();
    bytes_ = conn.bytes();
    return outcome;
  }

  fs::path root_;
  UniqueFd listener_;
  FetchSource source_;
  std::unique_ptr<FetchTarget> target_;
  std::unique_ptr<FetchQueue> queue_;
  FetchCounters counters_;
  uint64_t bytes_ = 0;
  std::thread server_;
};

TEST_F(FetchConnectionTest, WritesTheBlockAndFinishes) {
  serve([](int fd, uint32_t id) {
    (void)write_frame(fd, wire::kRange,
                      encode_range_reply({id, kContent.size(), 0, kContent.size()}));
    (void)write_frame(fd, wire::kData, encode_serve_done(id) + kContent);
    (void)write_frame(fd, wire::kDone, encode_serve_done(id));
  });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kFinished) << outcome.why.message();
  EXPECT_TRUE(outcome.why.ok());
  EXPECT_EQ(bytes_, kContent.size());
  EXPECT_TRUE(queue_->snapshot().complete());
  std::ifstream in(target_->part_path());
  std::stringstream on_disk;
  on_disk << in.rdbuf();
  EXPECT_EQ(on_disk.str(), kContent);
}

TEST_F(FetchConnectionTest, ARefusalFailsTheSourceAndGivesTheBlockBack) {
  serve([](int fd, uint32_t) { (void)write_frame(fd, wire::kError, "server busy"); });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kSourceFailed);
  EXPECT_EQ(outcome.why.message(), "refused: server busy");
  size_t block = 99;
  EXPECT_EQ(queue_->take(&block, false), FetchQueue::Next::kBlock);
  EXPECT_EQ(block, 0u);
}

TEST_F(FetchConnectionTest, ASourceThatClosesEndsWithStatusClosed) {
  serve([](int fd, uint32_t) { ::shutdown(fd, SHUT_RDWR); });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kSourceFailed);
  EXPECT_EQ(outcome.why.status(), Status::kClosed);
  EXPECT_EQ(outcome.why.message(), "connection closed");
}

TEST_F(FetchConnectionTest, ARangeForAnotherFileSizeFailsTheSource) {
  serve([](int fd, uint32_t id) {
    (void)write_frame(fd, wire::kRange, encode_range_reply({id, 1000, 0, kContent.size()}));
  });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kSourceFailed);
  EXPECT_EQ(outcome.why.message(), "the owner's file is now 1000 bytes");
}

}  // namespace
}  // namespace peerlink::peer_client
