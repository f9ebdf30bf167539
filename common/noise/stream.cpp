// A Noise connection as a byte stream: framing, the XX handshake, transport messages.
#include "common/noise/stream.h"

namespace peerlink {

NoiseStream::NoiseStream(NoiseRole role, std::string_view prologue,
                         const X25519KeyPair& local_static)
    : handshake_(std::make_unique<HandshakeState>(role, prologue, local_static)) {}

NoiseStream::~NoiseStream() = default;

size_t NoiseStream::expected_handshake_bytes() const {
  // Message 1 (e), 2 (e, s + tag, payload tag), 3 (s + tag, payload tag), with empty payloads.
  const int step = handshake_ == nullptr ? 3 : handshake_->messages_done();
  return step == 0 ? 32 : step == 1 ? 96 : 64;
}

Result NoiseStream::fail(Result why) {
  failed_.store(true, std::memory_order_release);
  handshake_.reset();
  return why;
}

bool NoiseStream::has_remote_static() const { return has_remote_static_; }
const X25519Key& NoiseStream::remote_static() const { return remote_static_; }

size_t NoiseStream::sealed_size(size_t len) {
  const size_t messages = len == 0 ? 0 : (len + kMaxPlaintextBytes - 1) / kMaxPlaintextBytes;
  return len + messages * (kLengthBytes + CipherState::kTagBytes);
}

Result NoiseStream::write_handshake(std::string* wire_out) {
  std::string message;
  if (Result r = handshake_->write_message({}, &message); !r) return fail(std::move(r));
  wire_out->push_back(static_cast<char>(message.size() >> 8));
  wire_out->push_back(static_cast<char>(message.size() & 0xff));
  wire_out->append(message);
  if (handshake_->finished()) {
    std::pair<CipherState, CipherState> c = handshake_->split();
    send_ = c.first;
    receive_ = c.second;
    established_ = true;
    handshake_.reset();
  }
  return Result();
}

Result NoiseStream::start(std::string* wire_out) {
  if (failed_.load(std::memory_order_acquire) || handshake_ == nullptr || !handshake_->my_turn()) {
    return fail(Result::failure("noise: start() out of turn", EPROTO));
  }
  return write_handshake(wire_out);
}

Result NoiseStream::on_message(std::string_view message, std::string* wire_out,
                               std::string* plain_out) {
  if (established_) {
    if (message.size() < CipherState::kTagBytes) {
      return fail(Result::failure("noise: transport message shorter than its tag", EPROTO));
    }
    const size_t start = plain_out->size();
    plain_out->resize(start + message.size() - CipherState::kTagBytes);
    if (!receive_.decrypt_with_ad({}, reinterpret_cast<const uint8_t*>(message.data()),
                                  message.size(),
                                  reinterpret_cast<uint8_t*>(plain_out->data()) + start)) {
      plain_out->resize(start);
      return fail(Result::failure("noise: a message failed to authenticate", EBADMSG));
    }
    return Result();
  }
  message_.clear();
  if (Result r = handshake_->read_message(message, &message_); !r) return fail(std::move(r));
  // Handshake payloads are empty in this project; one that is not is authenticated and ignored.
  if (handshake_->has_remote_static() && !has_remote_static_) {
    remote_static_ = handshake_->remote_static();
    has_remote_static_ = true;
  }
  if (handshake_->finished()) {  // the responder read message 3
    std::pair<CipherState, CipherState> c = handshake_->split();
    send_ = c.first;
    receive_ = c.second;
    established_ = true;
    handshake_.reset();
    return Result();
  }
  return write_handshake(wire_out);
}

Result NoiseStream::on_wire(const char* data, size_t len, std::string* wire_out,
                            std::string* plain_out) {
  if (failed_.load(std::memory_order_acquire)) {
    return Result::failure("noise: connection already failed", EPROTO);
  }
  in_.append(data, len);
  while (in_.size() >= kLengthBytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(in_.data());
    const size_t n = size_t{p[0]} << 8 | p[1];
    if (n == 0) return fail(Result::failure("noise: empty message", EPROTO));
    if (!established_ && handshake_ != nullptr && handshake_->my_turn()) {
      return fail(Result::failure("noise: message out of turn during the handshake", EPROTO));
    }
    // Handshake payloads are empty in this project, so each handshake message has one exact
    // length (32, 96, 64): a stranger cannot make this side hold 64 KiB before it is known.
    if (!established_ && n != expected_handshake_bytes()) {
      return fail(Result::failure("noise: handshake message of " + std::to_string(n) + " bytes (" +
                                      std::to_string(expected_handshake_bytes()) + " expected)",
                                  EPROTO));
    }
    if (in_.size() < kLengthBytes + n) break;
    const std::string_view message(in_.data() + kLengthBytes, n);
    Result r = on_message(message, wire_out, plain_out);
    in_.consume(kLengthBytes + n);
    if (!r) return r;
  }
  in_.release_if_over(2 * (kLengthBytes + kMaxMessageBytes));
  return Result();
}

Result NoiseStream::seal(const char* data, size_t len, std::string* wire_out) {
  if (!established_) return Result::failure("noise: seal() before the handshake ended", EPROTO);
  // A connection whose receiving side failed is finished: nothing more goes out either (the
  // sending thread may not have heard yet).
  if (failed_.load(std::memory_order_acquire)) {
    return Result::failure("noise: connection already failed", EPROTO);
  }
  const size_t start = wire_out->size();
  wire_out->resize(start + sealed_size(len));
  auto* out = reinterpret_cast<uint8_t*>(wire_out->data()) + start;
  while (len > 0) {
    const size_t n = len < kMaxPlaintextBytes ? len : kMaxPlaintextBytes;
    const size_t m = n + CipherState::kTagBytes;
    out[0] = static_cast<uint8_t>(m >> 8);
    out[1] = static_cast<uint8_t>(m & 0xff);
    if (!send_.encrypt_with_ad({}, reinterpret_cast<const uint8_t*>(data), n, out + kLengthBytes)) {
      wire_out->resize(start);
      return fail(Result::failure("noise: nonce exhausted", EOVERFLOW));
    }
    out += kLengthBytes + m;
    data += n;
    len -= n;
  }
  return Result();
}

}  // namespace peerlink
