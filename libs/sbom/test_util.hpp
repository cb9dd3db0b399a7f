// Test helper: the SPDX 2.3 schema (tests/data), and validation through testutil::validate_json.
#pragma once

#include <filesystem>
#include <string>

#include "testutil/testutil.hpp"

namespace sbom::testing {

using testutil::validate_json;

inline std::string spdx_schema() { return testutil::spdx_schema().string(); }

}  // namespace sbom::testing
