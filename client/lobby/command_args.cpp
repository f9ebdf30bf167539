// Reading a lobby command's argument as a NAME followed by words.
#include "client/lobby/command_args.h"

namespace peerlink::lobby {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on runs of spaces and tabs; each word keeps its position in `text`.
std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::vector<NameAndWords> name_readings(std::string_view arg, size_t min_words, size_t max_words) {
  std::vector<NameAndWords> readings;
  arg = trim(arg);
  if (arg.empty()) return readings;

  if (arg.front() == '"') {
    const size_t close = arg.find('"', 1);
    if (close == std::string_view::npos || close == 1) return readings;
    NameAndWords r;
    r.name = std::string(arg.substr(1, close - 1));
    for (std::string_view w : words_of(arg.substr(close + 1))) r.words.emplace_back(w);
    if (r.words.size() >= min_words && r.words.size() <= max_words) {
      readings.push_back(std::move(r));
    }
    return readings;
  }

  const std::vector<std::string_view> words = words_of(arg);
  // At least one word stays in NAME.
  for (size_t k = min_words; k <= max_words && k < words.size(); ++k) {
    const size_t first_tail = words.size() - k;
    const std::string_view last_of_name = words[first_tail - 1];
    const size_t name_end =
        static_cast<size_t>(last_of_name.data() - arg.data()) + last_of_name.size();
    NameAndWords r;
    r.name = std::string(arg.substr(0, name_end));
    for (size_t i = first_tail; i < words.size(); ++i) r.words.emplace_back(words[i]);
    readings.push_back(std::move(r));
  }
  return readings;
}

}  // namespace peerlink::lobby
