// TCP socket helpers: resolve (hostnames, IPv4, IPv6), listen on a port (0 = any), connect with a
// timeout, and name addresses. Every socket is created SOCK_CLOEXEC.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/fd.h"
#include "common/base/result.h"

namespace peerlink {

// Socket operations give a valid fd, or the Result saying why not: a message that names what
// failed ("cannot reach 10.0.0.5:12000: connection refused") and the errno behind it.

// Listens on `bind_addr` ("" = all IPv4+IPv6 interfaces via "::" with v4-mapped, falling back to
// 0.0.0.0) and `port` (0 = a free port the OS picks). SO_REUSEADDR, backlog `backlog`.
Expected<UniqueFd> listen_tcp(const std::string& bind_addr, uint16_t port, int backlog = 1024);

// Connects to host:port (a name, IPv4 or IPv6 literal), trying every getaddrinfo result, each
// with `timeout_ms`. The returned socket is blocking. Gives up at once, with error()
// ECANCELED, when `cancel_fd` (if not -1) becomes readable.
Expected<UniqueFd> connect_tcp(const std::string& host, uint16_t port, int timeout_ms = 5000,
                               int cancel_fd = -1);

// Port a bound socket listens on; 0 on error.
uint16_t local_port(int fd);

// The numeric address of the peer ("192.168.1.4", "::1"); v4-mapped IPv6 is shown as IPv4.
std::string peer_ip(int fd);
std::string sockaddr_ip(const sockaddr* sa);

// "host:port", or "[v6]:port" for IPv6 literals (given bare or in brackets).
std::string host_port(const std::string& host, uint16_t port);

// "[::1]" -> "::1": an IPv6 literal in the brackets the programs print it in (host_port()),
// accepted wherever an address is; anything else is returned as it is. listen_tcp() and
// connect_tcp() take either form.
std::string unbracket_host(std::string_view host);

// Parses a decimal port 0..65535. False if not a number in range.
bool parse_port(const std::string& text, uint16_t* port);

bool set_nonblocking(int fd, bool on = true);
bool set_cloexec(int fd, bool on);
void set_nodelay(int fd);
// SO_RCVTIMEO and SO_SNDTIMEO: a blocking read or write on `fd` fails (EAGAIN) after `timeout_ms`.
void set_io_timeouts(int fd, int timeout_ms);
// Caps the bytes a socket holds written but not yet sent (TCP_NOTSENT_LOWAT): a blocking send
// waits until the unsent part is below `bytes`, so what is written next (a chat line behind file
// data) does not queue behind megabytes of buffered data.
void set_unsent_limit(int fd, int bytes);

// Raises the soft RLIMIT_NOFILE to the hard limit (for servers and tests with many sockets).
void raise_fd_limit();

}  // namespace peerlink
