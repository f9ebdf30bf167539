// Beyond 127.0.0.1: the broker tells peers the address it observed, and every later connection
// (the chat session, downloads from file servers) goes to that address. Here the lobbies reach
// the broker through one of this machine's own non-loopback addresses, so a program that only
// listens on loopback, or an address taken from anywhere but the broker's observation, fails.
// The traffic still stays inside this machine; a machine with no such address skips the tests.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/net/net.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;

// The first address of `family` on an interface that is up and not loopback (for IPv6, not
// link-local either: those need a scope id). Empty if there is none.
std::string non_loopback_address(int family) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* i = list; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != family) continue;
    if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    } else {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr) || IN6_IS_ADDR_LOOPBACK(&a->sin6_addr)) continue;
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    }
    found = text;
  }
  ::freeifaddrs(list);
  return found;
}

class NetworkTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    address_ = non_loopback_address(GetParam());
    if (address_.empty()) GTEST_SKIP() << "this machine has no non-loopback address of this family";
    // The broker listens on that address (a later --bind wins over the harness's 127.0.0.1).
    broker_ = start_broker(dir_.path(), {"--bind", address_});
    ASSERT_NE(broker_.port, 0) << "broker did not start";
  }

  std::string share_of(const std::string& name) { return dir_.file("share-" + name); }
  std::string downloads_of(const std::string& name) { return dir_.file("downloads-" + name); }

  std::unique_ptr<Process> client(const std::string& name) {
    fs::create_directories(share_of(name));
    auto p = Process::start({bin_path("_c"), address_, std::to_string(broker_.port), "--user", name,
                             "--share", share_of(name), "--downloads", downloads_of(name)});
    EXPECT_TRUE(p != nullptr);
    if (p) {
      EXPECT_TRUE(p->wait_line("registered as " + name + " on")) << p->output();
    }
    return p;
  }

  // How the lobby writes an endpoint of address_ ("192.0.2.2:" or "[fd00::2]:").
  std::string endpoint_prefix() const {
    const std::string hp = host_port(address_, 1);
    return hp.substr(0, hp.size() - 1);
  }

  std::string address_;
  TempDir dir_;
  BrokerProcess broker_;
};

TEST_P(NetworkTest, PeersAreToldTheObservedAddressAndReachEachOtherThere) {
  auto alice = client("alice");
  auto bob = client("bob");
  ASSERT_FALSE(HasFailure());

  alice->write_line("info bob");
  EXPECT_TRUE(alice->wait_line("bob is at " + endpoint_prefix())) << alice->output();

  // The session: bob's _peer_server listens, alice's _peer_client connects to the address the
  // broker saw for bob.
  alice->write_line("chat bob");
  ASSERT_TRUE(bob->wait_line("alice wants to chat — accept? [y/n]")) << bob->output();
  bob->write_line("y");
  ASSERT_TRUE(alice->wait_line("connected to bob — type to chat")) << alice->output();
  ASSERT_TRUE(bob->wait_line("connected to alice — type to chat")) << bob->output();
  alice->write_line("over the wire");
  EXPECT_TRUE(bob->wait_line("alice: over the wire")) << bob->output();

  const std::string data = random_data(3 * 1024 * 1024 + 11, 7);
  const std::string src = share_of("bob") + "/pushed.bin";
  ASSERT_TRUE(write_file(src, data));
  bob->write_line("/send " + src);
  ASSERT_TRUE(alice->wait_line("bob offers pushed.bin")) << alice->output();
  alice->write_line("y");
  ASSERT_TRUE(alice->wait_line("received pushed.bin")) << alice->output();
  auto got = read_file(downloads_of("alice") + "/pushed.bin");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == data) << "the pushed file differs";

  alice->write_line("/quit");
  EXPECT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(bob->wait_line("registered as bob on")) << bob->output();
}

TEST_P(NetworkTest, DownloadsGoToTheObservedAddress) {
  auto owner = client("owner");
  ASSERT_TRUE(owner);
  const std::string data = random_data(2 * 1024 * 1024 + 5, 9);
  ASSERT_TRUE(write_file(share_of("owner") + "/shared.bin", data));
  owner->write_line("share");
  ASSERT_TRUE(owner->wait_line("sharing 1 file")) << owner->output();

  auto getter = client("getter");
  ASSERT_TRUE(getter);
  getter->write_line("files owner");
  EXPECT_TRUE(getter->wait_line("shared.bin")) << getter->output();
  getter->write_line("get shared.bin");
  ASSERT_TRUE(getter->wait_line("downloaded shared.bin", std::chrono::seconds(30)))
      << getter->output();
  auto got = read_file(downloads_of("getter") + "/shared.bin");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == data) << "the downloaded file differs";
}

INSTANTIATE_TEST_SUITE_P(Families, NetworkTest, ::testing::Values(AF_INET, AF_INET6),
                         [](const ::testing::TestParamInfo<int>& family) {
                           return std::string(family.param == AF_INET ? "IPv4" : "IPv6");
                         });

}  // namespace
}  // namespace peerlink::testing
