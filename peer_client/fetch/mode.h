// `_peer_client --fetch`: downloads one file from one or several owners' file servers.
#pragma once

namespace peerlink::peer_client {

// Runs fetch mode with the program's argv (argv[1] == "--fetch"); the sources come from the
// inherited descriptor named by --secret-fd. Returns the exit status: 0 when the file is in the
// downloads folder with its SHA-256 verified, 1 when the download failed (what was fetched is
// kept for a resume, unless the checksum did not match), 2 on bad usage.
int run_fetch_mode(int argc, char** argv);

}  // namespace peerlink::peer_client
