// Fuzz target: the frames a session peer sends about transfers (OFFER, DATA, DONE, CANCEL) and
// the user's answers, through the real TransferReceiver writing into a scratch downloads folder.
//
// Input: a sequence of records `op (1 byte) | length (1 byte) | payload (length bytes)`. op % 6:
// 0 OFFER, 1 DATA, 2 DONE, 3 CANCEL (payload as on the wire), 4 the user answers y, 5 n. OFFER
// payloads shorter than the fixed fields get them made up from the record (an id and size from
// its bytes, the digest of that many 'x' bytes or, when the size byte's top bit is set, the
// digest to follow with DONE), so that most offers are valid and files really get written.
// DONE payloads of 1 or 2 bytes likewise get an id and the digest of 0 or p[1] % 16 'x' bytes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "common/crypto/sha256.h"
#include "common/fs/names.h"
#include "common/fs/part_file.h"
#include "common/session/receiver.h"
#include "common/session/sender.h"
#include "common/term/terminal.h"
#include "common/wire/transfer_codec.h"

namespace {

const std::string& scratch() {
  static const std::string dir = [] {
    const char* base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string tmpl = std::string(base) + "/peerlink_session_fuzz_XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    return tmpl;
  }();
  static const bool cleanup = [] {  // the folder goes when the process exits normally
    return std::atexit([] { std::filesystem::remove_all(scratch()); }) == 0;
  }();
  (void)cleanup;
  return dir;
}

std::string be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[static_cast<size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
  return s;
}

// An OFFER from a short record: id from the first byte (odd ids, so the flood and order rules
// are met often), a size of 0..15, the digest of that many 'x' bytes, the rest as the name.
std::string make_offer(std::string_view p) {
  peerlink::Offer o;
  o.id = 1 + 2 * static_cast<uint32_t>(p.empty() ? 0 : static_cast<unsigned char>(p[0]));
  o.size = p.size() > 1 ? static_cast<unsigned char>(p[1]) % 16 : 0;
  const peerlink::Sha256::Digest d = peerlink::sha256(std::string(o.size, 'x'));
  o.sha256.assign(d.begin(), d.end());
  if (p.size() > 1 && (static_cast<unsigned char>(p[1]) & 0x80) != 0)
    o.sha256 = peerlink::kDigestFollows;
  o.name = p.size() > 2 ? std::string(p.substr(2)) : "f";
  return peerlink::encode_offer(o);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = scratch();
  static const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  peerlink::Console console(null_fd, false, false);
  // Never started, so it needs no channel: its queue only holds the replies (bounded by
  // kMaxQueuedBytes).
  peerlink::SessionSender sender(nullptr, &console, "alice", 2);
  bool ended = false;
  std::set<std::string> promised;  // every digest offered
  {
    peerlink::TransferReceiver receiver(&sender, &console, "alice", dir);
    size_t i = 0;
    while (i + 2 <= size && !ended) {
      const uint8_t op = data[i] % 6;
      const size_t len = std::min<size_t>(data[i + 1], size - i - 2);
      const std::string_view p(reinterpret_cast<const char*>(data) + i + 2, len);
      i += 2 + len;
      std::string error;
      switch (op) {
        case 0: {
          const std::string payload = p.size() < 44 ? make_offer(p) : std::string(p);
          peerlink::Offer o;
          if (peerlink::decode_offer(payload, &o)) promised.insert(o.sha256);
          error = receiver.on_offer(payload).message();
          break;
        }
        case 1: {  // DATA: a short payload gets a made-up id and 'x' bytes (matching the digest)
          std::string payload(p);
          if (p.size() <= 4) payload = be32(1 + 2 * (p.empty() ? 0u : uint8_t(p[0]))) + "xxxx";
          error = receiver.on_data(payload).message();
          break;
        }
        case 2: {
          std::string payload(p);
          if (p.size() == 1 || p.size() == 2) {
            const size_t n = p.size() == 2 ? static_cast<unsigned char>(p[1]) % 16 : 0;
            const peerlink::Sha256::Digest d = peerlink::sha256(std::string(n, 'x'));
            payload =
                peerlink::encode_done(1 + 2u * uint8_t(p[0]), std::string(d.begin(), d.end()));
          }
          uint32_t id = 0;
          std::string digest;
          if (peerlink::decode_done(payload, &id, &digest)) promised.insert(digest);
          error = receiver.on_done(payload).message();
          break;
        }
        case 3: {
          uint32_t id = 0;
          std::string reason;
          const std::string payload = p.size() == 1 ? be32(1 + 2u * uint8_t(p[0])) : std::string(p);
          if (!peerlink::decode_cancel(payload, &id, &reason)) {
            error = "bad CANCEL payload";
          } else if (!receiver.on_cancel(id, reason)) {
            error = "CANCEL for unknown transfer";
          }
          break;
        }
        case 4:
        case 5:
          receiver.answer_oldest(op == 4);
          break;
      }
      if (!error.empty()) ended = true;  // the session would send ERROR and end here
      // At most kMaxOpenTransfers .part files, whatever the peer does.
      size_t parts = 0;
      for (const auto& e : std::filesystem::directory_iterator(dir))
        parts += peerlink::is_session_part_name(e.path().filename().string());
      if (parts > peerlink::TransferReceiver::kMaxOpenTransfers) std::abort();
    }
    receiver.fail_all("session ended");
    if (receiver.offer_pending()) std::abort();
  }
  // Nothing unfinished is left, and every file that was kept has a safe name and content whose
  // digest one of the offers or DONEs promised: nothing unverified is ever kept.
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (peerlink::is_session_part_name(name)) std::abort();
    if (!peerlink::safe_file_name(name)) std::abort();
    if (!e.is_regular_file()) std::abort();
    std::string content;
    const int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
    char buf[4096];
    ssize_t n;
    while (fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0) content.append(buf, size_t(n));
    if (fd >= 0) ::close(fd);
    const peerlink::Sha256::Digest d = peerlink::sha256(content);
    if (promised.count(std::string(d.begin(), d.end())) == 0) std::abort();
  }
  std::filesystem::remove_all(dir);
  ::mkdir(dir.c_str(), 0700);
  return 0;
}
