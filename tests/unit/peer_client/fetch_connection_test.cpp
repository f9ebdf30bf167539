// Tests for one source of a download against a scripted file server on loopback (port 0), a Noise
// responder: how FetchConnection::run() ends when the block arrives, when the source refuses, when
// it closes, and when it proves another key than the one vouched for.
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

#include "common/base/hex.h"
#include "common/crypto/sha256.h"
#include "common/net/net.h"
#include "common/noise/channel.h"
#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"
#include "tests/support/peer_programs.h"

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
    source_.key = to_hex(server_key_.public_key.data(), server_key_.public_key.size());
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

  // Serves one connection as `server_key_`: the handshake, then reads one GET and lets `answer`
  // reply to it (given its id). seen_key_ gets the downloader's key once the handshake is done.
  void serve(std::function<void(NoiseChannel* channel, uint32_t id)> answer) {
    server_ = std::thread([this, answer = std::move(answer)] {
      UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!fd) return;
      NoiseChannel::Setup setup;
      setup.role = NoiseRole::kResponder;
      setup.prologue = kPrologueServe;
      setup.local_static = &server_key_;
      Expected<std::unique_ptr<NoiseChannel>> channel = NoiseChannel::handshake(fd.get(), setup);
      if (!channel) return;
      seen_key_ = (*channel)->remote_static();
      Frame get;
      GetRequest g;
      if (!testing::receive_frame(channel->get(), &get).ok() || get.type != wire::kGet ||
          !decode_get_request(get.payload, &g)) {
        return;
      }
      answer(channel->get(), g.id);
    });
  }

  FetchConnection::Outcome run() {
    FetchConnection conn(source_, "bob", bob_, queue_.get(), target_.get(), &counters_);
    FetchConnection::Outcome outcome = conn.run();
    bytes_ = conn.bytes();
    return outcome;
  }

  fs::path root_;
  UniqueFd listener_;
  X25519KeyPair server_key_ = x25519_generate();  // the owner's, as the file server proves it
  X25519KeyPair bob_ = x25519_generate();         // the requester's
  X25519Key seen_key_{};                          // the key the server saw
  FetchSource source_;
  std::unique_ptr<FetchTarget> target_;
  std::unique_ptr<FetchQueue> queue_;
  FetchCounters counters_;
  uint64_t bytes_ = 0;
  std::thread server_;
};

TEST_F(FetchConnectionTest, WritesTheBlockAndFinishes) {
  serve([](NoiseChannel* c, uint32_t id) {
    using testing::send_frame;
    (void)send_frame(c, wire::kRange,
                     encode_range_reply({id, kContent.size(), 0, kContent.size()}));
    (void)send_frame(c, wire::kData, encode_serve_done(id) + kContent);
    (void)send_frame(c, wire::kDone, encode_serve_done(id));
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
  if (server_.joinable()) server_.join();
  EXPECT_EQ(seen_key_, bob_.public_key) << "the requester's identity is the one proved";
}

TEST_F(FetchConnectionTest, ARefusalFailsTheSourceAndGivesTheBlockBack) {
  serve(
      [](NoiseChannel* c, uint32_t) { (void)testing::send_frame(c, wire::kError, "server busy"); });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kSourceFailed);
  EXPECT_EQ(outcome.why.message(), "refused: server busy");
  FetchUnit unit;
  unit.block = 99;
  EXPECT_EQ(queue_->take(1, &unit, false), FetchQueue::Next::kUnit);
  EXPECT_EQ(unit.block, 0u);
}

TEST_F(FetchConnectionTest, ASourceThatClosesEndsWithStatusClosed) {
  serve([](NoiseChannel* c, uint32_t) { ::shutdown(c->fd(), SHUT_RDWR); });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kSourceFailed);
  EXPECT_EQ(outcome.why.status(), Status::kClosed);
  EXPECT_EQ(outcome.why.message(), "connection closed");
}

TEST_F(FetchConnectionTest, ARangeForAnotherFileSizeFailsTheSource) {
  serve([](NoiseChannel* c, uint32_t id) {
    (void)testing::send_frame(c, wire::kRange, encode_range_reply({id, 1000, 0, kContent.size()}));
  });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kSourceFailed);
  EXPECT_EQ(outcome.why.message(), "the owner's file is now 1000 bytes");
}

TEST_F(FetchConnectionTest, AServerWithAnotherKeyThanTheVouchedOneIsRefused) {
  server_key_ = x25519_generate();  // not the key in source_.key
  bool asked = false;
  serve([&asked](NoiseChannel*, uint32_t) { asked = true; });
  const FetchConnection::Outcome outcome = run();
  EXPECT_EQ(outcome.end, FetchConnection::End::kSourceFailed);
  EXPECT_EQ(outcome.why.message(),
            "alice's file server presented a key the broker did not vouch for");
  if (server_.joinable()) server_.join();
  EXPECT_FALSE(asked) << "no GET, and so no ticket, went to the impostor";
  EXPECT_EQ(seen_key_, X25519Key{}) << "the handshake stopped before bob's key was sent";
  FetchUnit unit;
  EXPECT_EQ(queue_->take(1, &unit, false), FetchQueue::Next::kUnit);
}

}  // namespace
}  // namespace peerlink::peer_client
