// The requests a downloader sends to a file server, as the server reads them from the stream.
#pragma once

#include <cstddef>

#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"

namespace peerlink::peer_server {

// Cuts frames out of the bytes received (no frame over kMaxGetPayload is ever buffered) and
// decodes each as a request. Holds at most one partial frame plus the last append.
class ServeRequestReader {
 public:
  enum class Kind {
    kNeedMore,  // no complete frame yet: append more bytes
    kGet,       // *out holds a decoded GET
    kBye,       // the downloader is done
    kBadFrame,  // an unknown type or an oversize length: the stream cannot go on (final)
    kNotGet,    // a well-formed frame that a downloader has no business sending
    kBadGet,    // a GET whose payload does not decode
  };
  void append(const char* data, size_t n) { decoder_.append(data, n); }
  Kind next(GetRequest* out);
  size_t buffered() const { return decoder_.buffered(); }
  size_t held() const { return decoder_.held(); }

 private:
  FrameDecoder decoder_{kMaxGetPayload};
  bool failed_ = false;
};

}  // namespace peerlink::peer_server
