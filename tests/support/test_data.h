// Test harness: where the files in tests/data/ (published test vectors, with their licences and
// tests/data/SOURCES.md) are, whatever directory a test runs from.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "tests/support/json.h"

namespace peerlink::testing {

// The absolute path of tests/data/NAME in the source tree.
std::string test_data_path(std::string_view name);

// tests/data/NAME parsed as JSON.
Expected<JsonValue> load_test_json(std::string_view name);

}  // namespace peerlink::testing
