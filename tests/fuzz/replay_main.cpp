// Runs a fuzz target without libFuzzer: every file of its corpus folder (tests/fuzz/corpus/NAME,
// passed as argv[1] when it exists), a few edge cases and many seeded random inputs (argv[2], if
// given, says how many: 20000 by default), so `make check` exercises every fuzz target on every
// build. `make fuzz` does the real fuzzing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t corpus_files = 0;
  if (argc > 1) {
    if (!std::filesystem::is_directory(argv[1])) {
      std::fprintf(stderr, "corpus folder %s is missing\n", argv[1]);
      return 1;
    }
    for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
      ++corpus_files;
    }
    if (corpus_files == 0) {
      std::fprintf(stderr, "corpus folder %s holds no file\n", argv[1]);
      return 1;
    }
  }
  std::vector<std::string> edge = {"",
                                   "\n",
                                   "%",
                                   "%-",
                                   "%%-\n",
                                   std::string(5000, '\n'),
                                   std::string(1, '\0'),
                                   "\x01\x00\x00\x00\x05hello"};
  for (const auto& e : edge) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(e.data()), e.size());
  }
  long generated = 20000;
  if (argc > 2) {
    char* end = nullptr;
    generated = std::strtol(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || generated < 0) {
      std::fprintf(stderr, "not a count of inputs: %s\n", argv[2]);
      return 2;
    }
  }
  std::mt19937 rng(12345);
  // A small alphabet makes structure (newlines, spaces, escapes, frame headers) likely.
  const std::string alphabet = "% \n\r-aZ09.\x01\x7f\xc2\x9b/\\FILE";
  for (long i = 0; i < generated; ++i) {
    size_t n = rng() % 300;
    std::string s(n, '\0');
    bool structured = (i % 2) == 0;
    for (auto& c : s) {
      c = structured ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  std::printf("%zu corpus files, %zu edge cases and %ld generated inputs: no invariant broken\n",
              corpus_files, edge.size(), generated);
  return 0;
}
