// Fuzz target: the requests a file server reads, through the serve connection's own decoder
// (peer_server/serve/request.*), fed in pieces as recv() would hand them over, plus the RANGE
// reply a downloader decodes. Invariants: how the bytes are cut never changes what is decoded,
// the buffer stays within one partial frame plus one read, an error is final, and every decoded
// GET and RANGE re-encodes to a payload that decodes to the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"
#include "peer_server/serve/request.h"

using namespace peerlink;
using namespace peerlink::peer_server;

namespace {

using Kind = ServeRequestReader::Kind;

struct Item {
  Kind kind;
  GetRequest get;
};

bool same(const GetRequest& a, const GetRequest& b) {
  return a.id == b.id && a.offset == b.offset && a.length == b.length &&
         a.requester == b.requester && a.file == b.file && a.ticket == b.ticket;
}

// Decodes `in`, appending `step(i)` bytes at a time, until the first final result.
template <typename Step>
std::vector<Item> decode(std::string_view in, Step step) {
  ServeRequestReader reader;
  std::vector<Item> items;
  size_t pos = 0, i = 0;
  constexpr size_t kHeld = kMaxGetPayload + wire::kFrameHeaderBytes;
  while (pos < in.size()) {
    size_t n = step(i++);
    if (n > in.size() - pos) n = in.size() - pos;
    reader.append(in.data() + pos, n);
    pos += n;
    if (reader.held() > kHeld + n) std::abort();  // a partial frame plus this read, no more
    for (;;) {
      Item it{Kind::kNeedMore, {}};
      it.kind = reader.next(&it.get);
      if (it.kind == Kind::kNeedMore) break;
      items.push_back(it);
      if (it.kind == Kind::kBadFrame) {
        if (reader.next(&it.get) != Kind::kBadFrame) std::abort();  // final
        return items;
      }
    }
  }
  return items;
}

void check_get(const GetRequest& g) {
  const std::string again = encode_get_request(g);
  if (again.size() > kMaxGetPayload) std::abort();  // it did fit as received
  GetRequest back;
  if (!decode_get_request(again, &back) || !same(back, g)) std::abort();
  if (g.requester.find('\n') != std::string::npos || g.file.find('\n') != std::string::npos ||
      g.ticket.find('\n') != std::string::npos)
    std::abort();
}

void check_range(std::string_view payload) {
  RangeReply r;
  if (!decode_range_reply(payload, &r)) return;
  if (payload.size() != kRangeReplyBytes) std::abort();
  if (!range_fits(r.offset, r.length, r.file_size)) std::abort();
  if (r.offset > r.file_size || r.length > r.file_size - r.offset) std::abort();
  RangeReply back;
  if (!decode_range_reply(encode_range_reply(r), &back) || back.id != r.id ||
      back.file_size != r.file_size || back.offset != r.offset || back.length != r.length)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::vector<Item> whole = decode(in, [&](size_t) { return in.size() + 1; });
  const std::vector<Item> pieces = decode(in, [&](size_t i) {
    return size == 0 ? size_t{1} : 1 + static_cast<size_t>(data[i % size]) % 23;
  });
  if (whole.size() != pieces.size()) std::abort();
  for (size_t i = 0; i < whole.size(); ++i) {
    if (whole[i].kind != pieces[i].kind) std::abort();
    if (whole[i].kind == Kind::kGet) {
      if (!same(whole[i].get, pieces[i].get)) std::abort();
      check_get(whole[i].get);
    }
  }
  // The same bytes as a GET payload inside a well-formed frame, and as a RANGE reply.
  const std::string framed = encode_frame(wire::kGet, in);
  const std::vector<Item> one = decode(framed, [&](size_t) { return framed.size(); });
  if (in.size() > kMaxGetPayload) {
    if (one.size() != 1 || one[0].kind != Kind::kBadFrame) std::abort();
  } else {
    if (one.size() != 1 || (one[0].kind != Kind::kGet && one[0].kind != Kind::kBadGet))
      std::abort();
    if (one[0].kind == Kind::kGet) check_get(one[0].get);
  }
  check_range(in);
  if (size >= kRangeReplyBytes) check_range(in.substr(0, kRangeReplyBytes));
  return 0;
}
