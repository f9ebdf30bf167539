// nc and scp baselines for the benchmarks (see baselines.h).
#include "tests/support/baselines.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "common/net/net.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr milliseconds kCopyLimit{300000};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool have(const char* path, const char* what) {
  if (access(path, X_OK) == 0) return true;
  std::fprintf(stderr, "baseline skipped: %s not found (install %s)\n", path, what);
  return false;
}

// A port that was free a moment ago, for tools that cannot report the one they got (nc -l,
// sshd). The race with another process taking it is harmless in a benchmark.
uint16_t free_port() {
  auto l = listen_tcp("127.0.0.1", 0);
  return l ? local_port(l->get()) : 0;
}

std::unique_ptr<Process> shell(const std::string& command) {
  return Process::start({"/bin/sh", "-c", command});
}

bool exited_ok(Process& p, milliseconds limit) {
  const std::optional<int> status = p.wait_exit(limit);
  return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// One sshd for the whole process, with everything it needs in its own temporary folder.
class PrivateSshd {
 public:
  static PrivateSshd* get() {
    static std::once_flag once;
    static std::unique_ptr<PrivateSshd> instance;
    std::call_once(once, [] {
      auto s = std::unique_ptr<PrivateSshd>(new PrivateSshd);
      if (s->start()) instance = std::move(s);
    });
    return instance.get();
  }

  // The scp command line (without the files) for this server.
  std::string scp_command(const std::string& cipher) const {
    return "scp -q -c " + cipher + " -P " + std::to_string(port_) + " -i " +
           quoted(dir_.file("id")) + " -o BatchMode=yes -o StrictHostKeyChecking=no" +
           " -o UserKnownHostsFile=" + quoted(dir_.file("known_hosts"));
  }

 private:
  PrivateSshd() = default;

  bool start() {
    if (!have("/usr/sbin/sshd", "openssh-server") || !have("/usr/bin/scp", "openssh-client") ||
        !have("/usr/bin/ssh-keygen", "openssh-client"))
      return false;
    if (geteuid() == 0) std::filesystem::create_directories("/run/sshd");  // privilege separation
    for (const char* key : {"host_key", "id"}) {
      auto gen = shell("ssh-keygen -q -t ed25519 -N '' -f " + quoted(dir_.file(key)));
      if (!exited_ok(*gen, milliseconds(20000))) return fail("ssh-keygen failed");
    }
    std::filesystem::copy_file(dir_.file("id.pub"), dir_.file("authorized_keys"));
    port_ = free_port();
    const std::string config = "Port " + std::to_string(port_) +
                               "\nListenAddress 127.0.0.1\nHostKey " + dir_.file("host_key") +
                               "\nAuthorizedKeysFile " + dir_.file("authorized_keys") +
                               "\nPidFile " + dir_.file("sshd.pid") +
                               "\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n"
                               "PermitRootLogin yes\nSubsystem sftp internal-sftp\n";
    if (!write_file(dir_.file("sshd_config"), config)) return fail("cannot write sshd_config");
    sshd_ = Process::start({"/usr/sbin/sshd", "-D", "-e", "-f", dir_.file("sshd_config")});
    if (!sshd_->wait_line("Server listening", milliseconds(10000)))
      return fail("sshd did not start: " + sshd_->output());
    // The first connection pays for key exchange set-up and known_hosts; not timed.
    const std::string probe = dir_.file("probe");
    if (!write_file(probe, "x")) return fail("cannot write probe");
    auto warm = shell(scp_command(kScpAesGcm) + " " + quoted(probe) +
                      " 127.0.0.1:" + quoted(probe + ".copy"));
    if (!exited_ok(*warm, milliseconds(20000))) return fail("scp to the private sshd failed");
    return true;
  }

  bool fail(const std::string& why) {
    std::fprintf(stderr, "scp baseline skipped: %s\n", why.c_str());
    return false;
  }

  TempDir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<Process> sshd_;
};

}  // namespace

std::optional<double> nc_copy_seconds(const std::string& src_file, const std::string& dst_file) {
  if (!have("/usr/bin/nc", "netcat-openbsd")) return std::nullopt;
  const std::string port = std::to_string(free_port());
  auto server =
      shell("exec /usr/bin/nc -v -l 127.0.0.1 " + port + " </dev/null >" + quoted(dst_file));
  if (!server->wait_line("Listening", milliseconds(10000))) return std::nullopt;
  const auto t0 = Clock::now();
  auto client = shell("exec /usr/bin/nc -N 127.0.0.1 " + port + " <" + quoted(src_file));
  const bool ok = exited_ok(*client, kCopyLimit) && exited_ok(*server, kCopyLimit);
  const double s = seconds_since(t0);
  if (!ok) return std::nullopt;
  return s;
}

std::optional<double> scp_copy_seconds(const std::string& src_file, const std::string& dst_file,
                                       const std::string& cipher) {
  PrivateSshd* sshd = PrivateSshd::get();
  if (!sshd) return std::nullopt;
  const auto t0 = Clock::now();
  auto scp =
      shell(sshd->scp_command(cipher) + " " + quoted(src_file) + " 127.0.0.1:" + quoted(dst_file));
  const bool ok = exited_ok(*scp, kCopyLimit);
  const double s = seconds_since(t0);
  if (!ok) {
    std::fprintf(stderr, "scp failed: %s\n", scp->output().c_str());
    return std::nullopt;
  }
  return s;
}

}  // namespace peerlink::testing
