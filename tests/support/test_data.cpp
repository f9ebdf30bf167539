// Test harness: where the files in tests/data/ are.
#include "tests/support/test_data.h"

namespace peerlink::testing {

std::string test_data_path(std::string_view name) {
  return std::string(PEERLINK_TEST_DATA_DIR) + "/" + std::string(name);
}

Expected<JsonValue> load_test_json(std::string_view name) {
  return load_json_file(test_data_path(name));
}

}  // namespace peerlink::testing
