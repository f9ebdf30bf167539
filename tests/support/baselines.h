// Baselines for the benchmarks: the same file copied by standard tools on loopback, timed in the
// same run as the figure it is printed next to. Nothing here installs anything: without the tool
// a baseline is nullopt and one line on stderr says what to install (README.md, "Benchmarks").
#pragma once

#include <optional>
#include <string>

namespace peerlink::testing {

// `nc -l 127.0.0.1 PORT > dst` fed by `nc -N 127.0.0.1 PORT < src`: seconds from the client's
// start until both have exited (the last byte is on disk). No encryption, no hashing.
std::optional<double> nc_copy_seconds(const std::string& src_file, const std::string& dst_file);

// `scp -c CIPHER src 127.0.0.1:dst` through a private sshd (started once per process on a free
// loopback port, with its own host key, client key and config in a temporary folder; stopped at
// exit): seconds for the scp process. `cipher` as ssh -c takes it, e.g. "aes128-gcm@openssh.com"
// or "chacha20-poly1305@openssh.com". nullopt without ssh, scp or sshd.
std::optional<double> scp_copy_seconds(const std::string& src_file, const std::string& dst_file,
                                       const std::string& cipher);

inline constexpr char kScpAesGcm[] = "aes128-gcm@openssh.com";
inline constexpr char kScpChacha[] = "chacha20-poly1305@openssh.com";

}  // namespace peerlink::testing
