// The requests a downloader sends to a file server.
#include "peer_server/serve/request.h"

namespace peerlink::peer_server {

ServeRequestReader::Kind ServeRequestReader::next(GetRequest* out) {
  if (failed_) return Kind::kBadFrame;
  Frame frame;
  switch (decoder_.next(&frame)) {
    case FrameDecoder::Result::kNeedMore:
      return Kind::kNeedMore;
    case FrameDecoder::Result::kTooLarge:
    case FrameDecoder::Result::kBadType:
      failed_ = true;
      return Kind::kBadFrame;
    case FrameDecoder::Result::kFrame:
      break;
  }
  if (frame.type == wire::kBye) return Kind::kBye;
  if (frame.type != wire::kGet) return Kind::kNotGet;
  return decode_get_request(frame.payload, out) ? Kind::kGet : Kind::kBadGet;
}

}  // namespace peerlink::peer_server
