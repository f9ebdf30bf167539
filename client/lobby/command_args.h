// Reading a lobby command's argument as a NAME that may hold spaces followed by words (user
// names): `get read me.txt bob`, `send "my notes.txt" bob carol`. Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace peerlink::lobby {

struct NameAndWords {
  std::string name;                // as typed, inner spacing kept, quotes removed
  std::vector<std::string> words;  // the trailing words, in order
  bool operator==(const NameAndWords&) const = default;
};

// The ways to read `arg` as NAME followed by between `min_words` and `max_words` words,
// separated by spaces or tabs. Unquoted, every split is a reading, the longest NAME (fewest
// words) first: "a b c" with 0..1 words gives {"a b c", {}} and {"a b", {"c"}}; the caller keeps
// the first one that makes sense (a file that exists, a name someone shares). A NAME that starts
// with a double quote ends at the next double quote, and gives the one reading with every word
// after it. No reading (empty result) for an empty NAME, an unclosed quote, or a word count out of
// bounds.
std::vector<NameAndWords> name_readings(std::string_view arg, size_t min_words, size_t max_words);

}  // namespace peerlink::lobby
