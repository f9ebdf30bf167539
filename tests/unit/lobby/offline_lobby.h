// A fixture for unit tests of the lobby's parts: a broker link that was never connected (so not
// online, not reconnecting) and a console writing to a pipe the test reads back.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/lobby/broker_link.h"
#include "client/lobby/console.h"
#include "client/options.h"
#include "common/base/fd.h"

namespace peerlink::lobby {

class OfflineLobbyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    // Room for a listing at the broker's limit (the console does not wait for a reader).
    ASSERT_GE(::fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 19);
    read_end_.reset(p[0]);
    write_end_.reset(p[1]);
    options_.user = "alice";
    options_.share = "/nonexistent-share";
    options_.downloads = "/nonexistent-downloads";
    console_ = std::make_unique<LobbyConsole>(-1, write_end_.get(), false, false);
    link_ = std::make_unique<BrokerLink>(console_.get(), options_, BrokerConn(), Identity{}, "");
  }

  // Everything printed since the last call.
  std::string printed() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(read_end_.get(), buf, sizeof buf)) > 0;) {
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  UniqueFd read_end_, write_end_;
  ClientOptions options_;
  std::unique_ptr<LobbyConsole> console_;
  std::unique_ptr<BrokerLink> link_;
};

}  // namespace peerlink::lobby
