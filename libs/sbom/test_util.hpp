// Test helper: the SPDX 2.3 schema, and validation through testutil::validate_json.
#pragma once

#include <filesystem>
#include <string>

#include "testutil/testutil.hpp"

namespace sbom::testing {

using testutil::validate_json;

inline std::string spdx_schema() { return MA_SHARED_DIR "/schemas/spdx/spdx-2.3.schema.json"; }
inline bool have_spdx_schema() { return std::filesystem::exists(spdx_schema()); }

}  // namespace sbom::testing
