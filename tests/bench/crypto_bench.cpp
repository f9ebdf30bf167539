// Benchmark: throughput of aead_seal / aead_open (ChaCha20-Poly1305) on 64 KiB Noise transport
// messages (65519 bytes + 16-byte tag, 13 bytes of associated data) through every implementation
// path the CPU has, and of chacha20_xor alone, next to `openssl speed -evp chacha20-poly1305
// -bytes 65536 -seconds 1` when `openssl` is on PATH. The rounds are interleaved (each round
// measures every path and then openssl) and each figure is the median of kRounds rounds.
//
// MB/s are 10^6 bytes per second of CPU time, the divisor openssl speed uses by default (user
// time): on a machine shared with other work, wall time would charge us for their time slices and
// not openssl. Wall-time figures are printed too. Fails if a path disagrees with the portable one
// or a sealed message does not open. The last line is `TABLE|AEAD 64 KiB|ours|openssl|goal|met`,
// ours being the slower of seal and open on the default path.
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/crypto/aead.h"
#include "common/crypto/chacha20.h"

namespace peerlink {
namespace {

constexpr size_t kMessageBytes = 65535 - 16;  // the largest Noise transport payload
constexpr int kRounds = 3;
constexpr double kMB = 1e6;
constexpr double kGoalMBps = 1500;  // issue 11: >= 1.5 GB/s

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double seconds_of(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Rate {
  double cpu;   // MB per second of this process's CPU time
  double wall;  // MB per second of wall time
};

// MB/s of `one_message` called `messages` times.
Rate throughput(int messages, const std::function<void()>& one_message) {
  const double cpu0 = seconds_of(CLOCK_PROCESS_CPUTIME_ID), wall0 = seconds_of(CLOCK_MONOTONIC);
  for (int i = 0; i < messages; ++i) one_message();
  const double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  const double wall = seconds_of(CLOCK_MONOTONIC) - wall0;
  const double mb = static_cast<double>(kMessageBytes) * messages / kMB;
  return {mb / cpu, mb / wall};
}

// The first executable `openssl` in PATH, or nothing.
std::optional<std::string> find_openssl() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/openssl";
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

// openssl's figure in MB/s, from the line "ChaCha20-Poly1305  1883750.40k" (thousands of bytes
// per second) that follows "type  65536 bytes"; nothing if it ran but printed no such line.
std::optional<double> openssl_mb_per_s(const std::string& openssl) {
  const std::string command =
      "'" + openssl + "' speed -evp chacha20-poly1305 -bytes 65536 -seconds 1 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::optional<double> figure;
  char line[1024];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string lower = line;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("chacha20-poly1305", 0) != 0) continue;
    std::istringstream fields(lower.substr(std::strlen("chacha20-poly1305")));
    std::string value;
    if (!(fields >> value) || value.size() < 2 || value.back() != 'k') continue;
    char* end = nullptr;
    const double thousands = std::strtod(value.c_str(), &end);
    if (end == value.c_str() + value.size() - 1 && thousands > 0) {
      figure = thousands * 1000.0 / kMB;
    }
  }
  ::pclose(pipe);
  return figure;
}

struct Path {
  const char* name;
  AeadImpl impl;
  int messages;  // per round: about 0.1-0.3 s each
};

std::vector<Path> paths() {
  std::vector<Path> out = {{"portable", {ChaCha20Impl::kPortable, Poly1305Impl::kPortable}, 300}};
  if (chacha20_has(ChaCha20Impl::kSse2)) {
    out.push_back({"sse2", {ChaCha20Impl::kSse2, Poly1305Impl::kPortable}, 600});
  }
  if (chacha20_has(ChaCha20Impl::kAvx2) && poly1305_has(Poly1305Impl::kAvx2)) {
    out.push_back({"avx2", {ChaCha20Impl::kAvx2, Poly1305Impl::kAvx2}, 2000});
  }
  if (chacha20_has(ChaCha20Impl::kAvx512) && poly1305_has(Poly1305Impl::kAvx512)) {
    out.push_back({"avx512", {ChaCha20Impl::kAvx512, Poly1305Impl::kAvx512}, 4000});
  }
  return out;
}

struct Figures {
  std::vector<double> seal_cpu, open_cpu, seal_wall, open_wall, xor_cpu;
};

int run() {
  std::mt19937 rng(2024);
  std::vector<uint8_t> message(kMessageBytes);
  for (auto& b : message) b = static_cast<uint8_t>(rng());
  uint8_t key[kAeadKeyBytes], nonce[kAeadNonceBytes];
  for (auto& b : key) b = static_cast<uint8_t>(rng());
  for (auto& b : nonce) b = static_cast<uint8_t>(rng());
  const uint8_t ad[13] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

  const std::vector<Path> all = paths();
  std::vector<uint8_t> reference(kMessageBytes + kAeadTagBytes);
  aead_seal_with(all[0].impl, key, nonce, ad, sizeof ad, message.data(), message.size(),
                 reference.data());
  std::vector<uint8_t> sealed(reference.size()), opened(kMessageBytes);
  for (const Path& path : all) {
    aead_seal_with(path.impl, key, nonce, ad, sizeof ad, message.data(), message.size(),
                   sealed.data());
    const bool ok = aead_open_with(path.impl, key, nonce, ad, sizeof ad, reference.data(),
                                   reference.size(), opened.data());
    if (sealed != reference || !ok || opened != message) {
      std::fprintf(stderr, "path %s: seal differs from the portable one or open failed\n",
                   path.name);
      return 1;
    }
  }

  const std::optional<std::string> openssl = find_openssl();
  std::vector<Figures> figures(all.size());
  std::vector<double> theirs;
  for (int round = 0; round < kRounds; ++round) {
    for (size_t p = 0; p < all.size(); ++p) {
      const Path& path = all[p];
      const Rate seal = throughput(path.messages, [&] {
        aead_seal_with(path.impl, key, nonce, ad, sizeof ad, message.data(), message.size(),
                       sealed.data());
      });
      const Rate open = throughput(path.messages, [&] {
        if (!aead_open_with(path.impl, key, nonce, ad, sizeof ad, reference.data(),
                            reference.size(), opened.data())) {
          std::abort();
        }
      });
      const Rate xor_only = throughput(path.messages, [&] {
        chacha20_xor_with(path.impl.chacha20, key, nonce, 1, message.data(), opened.data(),
                          message.size());
      });
      figures[p].seal_cpu.push_back(seal.cpu);
      figures[p].open_cpu.push_back(open.cpu);
      figures[p].seal_wall.push_back(seal.wall);
      figures[p].open_wall.push_back(open.wall);
      figures[p].xor_cpu.push_back(xor_only.cpu);
    }
    if (openssl) {
      if (const std::optional<double> figure = openssl_mb_per_s(*openssl)) {
        theirs.push_back(*figure);
      }
    }
  }

  const double openssl_rate = theirs.empty() ? 0 : median(theirs);  // 0: no baseline
  std::printf(
      "AEAD on %zu-byte messages, median of %d interleaved rounds, MB/s of CPU time "
      "(wall time in brackets)\n",
      kMessageBytes, kRounds);
  if (!openssl) {
    std::printf("openssl not found: no baseline\n");
  } else if (openssl_rate == 0) {
    std::printf("openssl speed printed no chacha20-poly1305 figure (%s)\n", openssl->c_str());
  } else {
    std::printf("openssl speed -evp chacha20-poly1305 (64 KiB, user time)  %8.1f MB/s\n",
                openssl_rate);
  }
  const char* default_name = chacha20_impl_name(aead_default_impl().chacha20);
  double ours = 0;
  for (size_t p = 0; p < all.size(); ++p) {
    const Figures& f = figures[p];
    const double seal = median(f.seal_cpu), open = median(f.open_cpu);
    std::printf("%-8s seal %7.1f (%7.1f)  open %7.1f (%7.1f)  chacha20 alone %7.1f MB/s",
                all[p].name, seal, median(f.seal_wall), open, median(f.open_wall),
                median(f.xor_cpu));
    if (openssl_rate > 0) std::printf("  seal/openssl %.2f", seal / openssl_rate);
    const bool is_default = std::strcmp(all[p].name, default_name) == 0;
    std::printf("%s\n", is_default ? "  <- aead_seal/aead_open" : "");
    if (is_default) ours = std::min(seal, open);
  }
  std::printf("TABLE|AEAD 64 KiB|%.0f MB/s|%s|>= 1.5 GB/s|%s\n", ours,
              openssl_rate > 0
                  ? (std::to_string(static_cast<long>(openssl_rate)) + " MB/s (openssl)").c_str()
                  : "no openssl figure",
              ours >= kGoalMBps ? "yes" : "no");
  return 0;
}

}  // namespace
}  // namespace peerlink

int main() { return peerlink::run(); }
