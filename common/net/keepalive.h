// TCP keepalive: how a connection whose peer vanished without closing (cable pulled, machine off,
// a NAT that forgot it) is noticed. The broker's clients and the chat sessions use the same.
#pragma once

namespace peerlink {

// An idle connection is probed after kKeepaliveIdleS seconds of silence, then every
// kKeepaliveIntervalS seconds, and given up after kKeepaliveProbes unanswered probes: a lost peer
// is noticed in about a minute (30 + 3 x 10 s).
//
// Why these: there used to be two settings, the session's 30/10/3 and the broker's 60/10/3 (90
// s). The session's won. "About a minute" is what docs/SESSION.md promises for a lost chat peer,
// and a broker that holds a half-open client 30 s less frees its name sooner for a user who
// reconnects from elsewhere (the lobby PINGs only after 60 s of quiet, so that is no quicker).
// The cost, one empty segment and its ACK per 30 s of silence per connection, is nothing even for
// thousands of idle clients.
inline constexpr int kKeepaliveIdleS = 30;
inline constexpr int kKeepaliveIntervalS = 10;
inline constexpr int kKeepaliveProbes = 3;

// Turns keepalive on for the TCP socket `fd` with these values (idle_s, then every interval_s,
// count probes). Best effort: a socket that refuses (not TCP) keeps working without it.
void set_keepalive(int fd, int idle_s = kKeepaliveIdleS, int interval_s = kKeepaliveIntervalS,
                   int count = kKeepaliveProbes);

}  // namespace peerlink
