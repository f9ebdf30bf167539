// Benchmark: throughput of chacha20_xor with each implementation the CPU has, and of aead_seal /
// aead_open (ChaCha20-Poly1305), on 64 KiB messages: MiB/s, the median of 5 runs of 200 MiB
// (about 1 GiB per figure). When `openssl` is on PATH, its `openssl speed -evp
// chacha20-poly1305 -bytes 16384 -seconds 1` figure is measured in the same run and the AEAD
// figures are printed as a ratio ours/openssl. Fails if an implementation disagrees with the
// portable one or a sealed message does not open.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
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

using Clock = std::chrono::steady_clock;

constexpr size_t kMessageBytes = 64 * 1024;
constexpr int kMessagesPerRun = 3200;  // 200 MiB
constexpr int kRuns = 5;
constexpr double kMiB = 1024.0 * 1024.0;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// MiB/s of `one_message` called kMessagesPerRun times, the median of kRuns runs.
double throughput(const std::function<void()>& one_message) {
  std::vector<double> rates;
  for (int run = 0; run < kRuns; ++run) {
    const auto t0 = Clock::now();
    for (int i = 0; i < kMessagesPerRun; ++i) one_message();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    rates.push_back(static_cast<double>(kMessageBytes) * kMessagesPerRun / kMiB / seconds);
  }
  return median(rates);
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

// openssl's figure in MiB/s, from the line "ChaCha20-Poly1305  1883750.40k" (thousands of bytes
// per second) that follows "type  16384 bytes"; nothing if it ran but printed no such line.
std::optional<double> openssl_mib_per_s(const std::string& openssl) {
  const std::string command =
      "'" + openssl + "' speed -evp chacha20-poly1305 -bytes 16384 -seconds 1 2>/dev/null";
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
      figure = thousands * 1000.0 / kMiB;
    }
  }
  ::pclose(pipe);
  return figure;
}

int run() {
  std::mt19937 rng(2024);
  std::vector<uint8_t> message(kMessageBytes);
  for (auto& b : message) b = static_cast<uint8_t>(rng());
  uint8_t key[kAeadKeyBytes], nonce[kAeadNonceBytes];
  for (auto& b : key) b = static_cast<uint8_t>(rng());
  for (auto& b : nonce) b = static_cast<uint8_t>(rng());

  std::printf("%d runs of %d messages of %zu KiB each, median MiB/s\n", kRuns, kMessagesPerRun,
              kMessageBytes / 1024);
  std::vector<uint8_t> reference(kMessageBytes), out(kMessageBytes);
  chacha20_xor_with(ChaCha20Impl::kPortable, key, nonce, 1, message.data(), reference.data(),
                    message.size());
  double portable_rate = 0;
  for (ChaCha20Impl impl : {ChaCha20Impl::kPortable, ChaCha20Impl::kSse2, ChaCha20Impl::kAvx2}) {
    if (!chacha20_has(impl)) {
      std::printf("chacha20_xor %-8s  not on this CPU\n", chacha20_impl_name(impl));
      continue;
    }
    const double rate = throughput([&] {
      chacha20_xor_with(impl, key, nonce, 1, message.data(), out.data(), message.size());
    });
    if (out != reference) {
      std::fprintf(stderr, "chacha20_xor %s differs from the portable code\n",
                   chacha20_impl_name(impl));
      return 1;
    }
    if (impl == ChaCha20Impl::kPortable) portable_rate = rate;
    std::printf("chacha20_xor %-8s  %8.1f MiB/s  (%.2fx portable)\n", chacha20_impl_name(impl),
                rate, rate / portable_rate);
  }

  // The AEAD uses the implementation chacha20_xor chose; 13 bytes of associated data as in TLS.
  const uint8_t ad[13] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  std::vector<uint8_t> sealed(kMessageBytes + kAeadTagBytes), opened(kMessageBytes);
  const double seal_rate = throughput(
      [&] { aead_seal(key, nonce, ad, sizeof ad, message.data(), message.size(), sealed.data()); });
  int failed_opens = 0;
  const double open_rate = throughput([&] {
    if (!aead_open(key, nonce, ad, sizeof ad, sealed.data(), sealed.size(), opened.data())) {
      ++failed_opens;
    }
  });
  if (failed_opens > 0 || opened != message) {
    std::fprintf(stderr, "aead_open failed %d times or gave other bytes\n", failed_opens);
    return 1;
  }

  const std::optional<std::string> openssl = find_openssl();
  std::optional<double> theirs;
  if (openssl) theirs = openssl_mib_per_s(*openssl);
  const auto print_aead = [&](const char* what, double rate) {
    std::printf("%-21s  %8.1f MiB/s  (chacha20 %s)", what, rate, chacha20_impl_name());
    if (theirs) std::printf("  ours/openssl %.2f", rate / *theirs);
    std::printf("\n");
  };
  print_aead("aead_seal", seal_rate);
  print_aead("aead_open", open_rate);
  if (!openssl) {
    std::printf("openssl not found\n");
  } else if (!theirs) {
    std::printf("openssl speed printed no chacha20-poly1305 figure (%s)\n", openssl->c_str());
  } else {
    std::printf("openssl chacha20-poly1305  %8.1f MiB/s  (openssl speed -evp, 16 KiB, 1 s)\n",
                *theirs);
  }
  return 0;
}

}  // namespace
}  // namespace peerlink

int main() { return peerlink::run(); }
