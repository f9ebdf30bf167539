// A chat session between two peers: chat lines both ways and confirm-before-send file transfers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/fd.h"
#include "common/noise/channel.h"
#include "common/session/receiver.h"
#include "common/session/sender.h"
#include "common/term/line_editor.h"
#include "common/term/stop_signals.h"
#include "common/term/terminal.h"
#include "common/wire/frame.h"

namespace peerlink {

// Runs one session over a connected socket whose Noise handshake is done and whose peer has been
// authenticated (its static key checked, the token accepted) by the caller, until either side
// ends it. Every byte goes through the NoiseChannel: a message that fails to authenticate ends the
// session at once ("connection to <peer> lost: noise: ..."). Threads (docs/SESSION.md):
//  - the caller of run() is the receive thread: it decrypts and checks every frame, prints chat,
//    drives incoming transfers (TransferReceiver) and takes the stop signals;
//  - an input thread reads the user's lines from `input_fd` one byte at a time, never reading
//    past the current line (docs/HANDOFF.md, "stdin across exec"), and turns them into chat,
//    offers, answers or /quit. On a terminal it puts it in raw mode and edits the line itself
//    (common/term/line_editor.h), drawn as the screen's input line (docs/TERMINAL.md);
//  - the SessionSender thread is the only writer of the socket (the channel's one sender).
// Owns the socket and the channel; the socket is closed when the Session is destroyed.
class Session {
 public:
  struct Config {
    std::string own_name;
    std::string peer_name;        // shown in every line; comes from the lobby, so trusted
    std::string downloads;        // where received files go
    std::string share;            // the shared folder (may be empty): its hash cache is reused
    bool accepting_side = false;  // _peer_server; picks the parity of our offer ids
    int input_fd = 0;
    // The stop signals (Ctrl-C, SIGTERM, SIGHUP), taken by the receive thread: the first ends
    // the session as /quit does, a second one while it is ending stops waiting for the peer.
    // Null: none.
    StopSignals* signals = nullptr;
  };
  struct End {
    bool clean = false;  // /quit, a stop signal or BYE on either side, or the user's input ended
    bool connection_lost = false;
    std::string reason;  // for "session ended: <reason>"
  };

  // `channel` runs over `socket`; `decoder` holds the plaintext that arrived behind the first
  // frames (HELLO / WELCOME).
  Session(UniqueFd socket, std::unique_ptr<NoiseChannel> channel, FrameDecoder decoder,
          Config config, Console* console);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Prints the "connected to" line and runs the session to its end. Every thread it started is
  // joined before it returns, and every unfinished transfer has been reported and cleaned up.
  End run();

  // How long we keep reading (and discarding) after sending BYE or ERROR, waiting for the peer
  // to close, so that closing never resets the connection under the frame we sent last.
  static constexpr std::chrono::milliseconds kDrainTime{2000};
  // The most written-but-unsent bytes the session socket holds (two DATA chunks).
  static constexpr int kUnsentLimit = 128 * 1024;
  // SO_RCVBUF of the session socket (the kernel doubles it for its bookkeeping): what the peer
  // can have in flight towards us, and so what a chat line can queue behind at our end.
  static constexpr int kReceiveBuffer = 256 * 1024;

 private:
  // What a received frame does to the session.
  struct Outcome {
    enum class Kind {
      kGoOn,
      kEnd,    // the peer ended it (BYE, ERROR): stop now
      kDrain,  // we sent our last frame (ERROR): wait for the peer to close, then stop
    };
    Kind kind = Kind::kGoOn;
    End end;
  };

  // Receive thread.
  End receive_loop();
  Outcome handle_frame(const FrameView& frame);
  Outcome handle_answer(const FrameView& frame);
  Outcome handle_cancel(const FrameView& frame);
  // A protocol violation: queues ERROR with `reason` and starts draining.
  Outcome violation(const std::string& reason);

  // Input thread.
  void input_loop(bool editing);
  // One byte from a terminal in raw mode; false once the input is over (the line ended it).
  bool edit_byte(LineEditor* editor);
  void handle_line(const std::string& line);
  void offer_file(const std::string& path);
  // Ends the session from our side: queues BYE and tells the receive thread to drain. Called by
  // the input thread (/quit, end of input) and by the receive thread (a stop signal).
  void request_end(End end, const std::string& bye_text);

  // Wakes the receive thread (from the input or sender thread).
  void wake();
  // Stops the input thread: its poll returns.
  void stop_input();

  UniqueFd socket_;
  std::unique_ptr<NoiseChannel> channel_;
  FrameDecoder decoder_;
  const Config config_;
  const std::string prompt_;  // of the input line on a terminal: "[peer] "
  Console* const console_;
  SessionSender sender_;
  TransferReceiver receiver_;

  UniqueFd wake_read_, wake_write_;  // wakes the receive thread's poll
  UniqueFd stop_read_, stop_write_;  // stops the input thread's poll

  std::mutex mu_;                     // guards the two fields below
  std::optional<End> requested_end_;  // set by request_end()
  std::optional<std::string> write_error_;
  std::thread input_thread_;
};

}  // namespace peerlink
