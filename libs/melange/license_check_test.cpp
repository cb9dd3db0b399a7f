#include "melange/license_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/fs.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* kMit =
    "Copyright (c) 2024 Foo\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
    "of this software and associated documentation files (the \"Software\"), to deal\n"
    "in the Software without restriction...\n\nThe above copyright notice and this permission notice shall be included in\n"
    "all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n";

const char* kBsd3 =
    "Redistribution and use in source and binary forms, with or without\nmodification, are permitted provided that the "
    "following conditions are met:\n1. Redistributions of source code must retain the above copyright notice, ...\n"
    "2. Redistributions in binary form must reproduce the above copyright notice, ...\n"
    "3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote "
    "products derived from this software without specific prior written permission.\n";

TEST(LicenseFiles, NamesAndWeights) {
  EXPECT_EQ(license_file_weight("LICENSE"), 1.0);
  EXPECT_EQ(license_file_weight("licence"), 1.0);
  EXPECT_EQ(license_file_weight("UNLICENSE"), 1.0);
  EXPECT_EQ(license_file_weight("LICENSE.md"), 0.95);
  EXPECT_EQ(license_file_weight("COPYING"), 0.90);
  EXPECT_EQ(license_file_weight("COPYRIGHT.txt"), 0.85);
  EXPECT_EQ(license_file_weight("LICENSE.rst"), 0.80);
  EXPECT_EQ(license_file_weight("LICENSE-MIT"), 0.70);
  EXPECT_EQ(license_file_weight("MIT-LICENSE"), 0.60);
  EXPECT_EQ(license_file_weight("PATENTS"), 0.35);
  EXPECT_EQ(license_file_weight("OFL.txt"), 0.50);
  EXPECT_EQ(license_file_weight("README"), std::nullopt);
  EXPECT_EQ(license_file_weight("license.go"), std::nullopt);
  EXPECT_EQ(license_file_weight("node_modules/x/LICENSE"), std::nullopt);
  EXPECT_EQ(license_file_weight("rust-1.86.0-src/LICENSE"), std::nullopt);  // rust-src
}

TEST(LicenseFiles, ShallowAndDeepScans) {
  auto d = base::TempDir::create("license-files-");
  ASSERT_TRUE(d);
  for (const char* p : {"LICENSE", "COPYING", "sub/LICENSE-APACHE", "vendor/LICENSE", "a/b/LICENSE", "melange-out/x/LICENSE",
                        "README"}) {
    fs::create_directories((d->path() / p).parent_path());
    ASSERT_TRUE(base::write_file_atomic(d->path() / p, "x"));
  }
  auto shallow = find_license_files(d->path(), false);
  ASSERT_TRUE(shallow);
  std::vector<std::string> paths;
  for (const auto& f : *shallow) paths.push_back(f.path);
  EXPECT_THAT(paths, ElementsAre("LICENSE", "COPYING", "sub/LICENSE-APACHE"));  // top level first, by weight
  auto deep = find_license_files(d->path(), true);
  ASSERT_TRUE(deep);
  paths.clear();
  for (const auto& f : *deep) paths.push_back(f.path);
  EXPECT_THAT(paths, ElementsAre("LICENSE", "COPYING", "a/b/LICENSE", "vendor/LICENSE", "sub/LICENSE-APACHE"));
}

TEST(LicenseCheck, AFileLeadingOutsideTheTreeIsRefused) {
  auto d = base::TempDir::create("license-out-");
  ASSERT_TRUE(d);
  fs::create_directories(d->path() / "src");
  ASSERT_TRUE(base::write_file_atomic(d->path() / "secret", kMit));
  fs::create_symlink("../secret", d->path() / "src" / "LICENSE");
  config::BuildConfig cfg;
  config::Copyright c;
  c.license = "MIT";
  c.license_path = "LICENSE";  // the recipe names the link; the scan itself skips links
  cfg.package.copyright.push_back(c);
  auto r = license_check(d->path() / "src", &cfg, false);
  ASSERT_FALSE(r) << "a symlink out of the source tree was read";
  EXPECT_THAT(r.error().message, HasSubstr("license file leads outside"));
  fs::remove(d->path() / "src" / "LICENSE");
  ASSERT_TRUE(base::write_file_atomic(d->path() / "src" / "LICENSE", kMit));
  EXPECT_TRUE(license_check(d->path() / "src", &cfg, false));
}

TEST(LicenseIdentify, KnownTextsSpdxLinesAndUnknown) {
  auto mit = identify_licenses(kMit, "LICENSE");
  ASSERT_EQ(mit.size(), 1u);
  EXPECT_EQ(mit[0].name, "MIT");
  EXPECT_EQ(mit[0].type, "notice");
  EXPECT_DOUBLE_EQ(mit[0].confidence, 1.0);
  EXPECT_EQ(mit[0].source, "LICENSE");

  auto bsd = identify_licenses(kBsd3, "COPYING");
  ASSERT_EQ(bsd.size(), 1u) << bsd[1].name;
  EXPECT_EQ(bsd[0].name, "BSD-3-Clause");  // not also BSD-2-Clause

  // Half of the GPL-3.0's sentences (its title, its appendix): found, with low confidence.
  auto gpl = identify_licenses(
      "GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007\n...\nHow to Apply These Terms to Your New Programs\n", "COPYING");
  ASSERT_EQ(gpl.size(), 1u);
  EXPECT_EQ(gpl[0].name, "GPL-3.0");
  EXPECT_EQ(gpl[0].type, "restricted");
  EXPECT_DOUBLE_EQ(gpl[0].confidence, 0.5);
  EXPECT_FALSE(confident(gpl[0]));
  EXPECT_EQ(identify_licenses("GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007", "X")[0].name, "NOASSERTION");

  auto spdx = identify_licenses("/* SPDX-License-Identifier: Apache-2.0 OR MIT */\n", "LICENSE");
  ASSERT_EQ(spdx.size(), 1u);
  EXPECT_EQ(spdx[0].name, "Apache-2.0 OR MIT");
  EXPECT_TRUE(confident(spdx[0]));

  auto none = identify_licenses("All rights reserved. Ask us.\n", "COPYRIGHT");
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].name, "NOASSERTION");
  EXPECT_DOUBLE_EQ(none[0].confidence, 0.0);
}

config::BuildConfig parse(const std::string& yaml) {
  auto cfg = config::parse_build_config(yaml, "foo.yaml");
  EXPECT_TRUE(cfg) << cfg.error().message;
  return *cfg;
}

TEST(LicenseDiffs, AsMelangeComparesThem) {
  std::vector<DetectedLicense> det = {{"MIT", "notice", 1.0, "LICENSE"},
                                      {"GPL-3.0", "restricted", 1.0, "COPYING"},
                                      {"Apache-2.0", "notice", 0.5, "NOTICE"},  // not confident: ignored
                                      {"BSD-3-Clause", "notice", 1.0, "sub/LICENSE"}};
  auto cfg = parse(R"(package:
  name: foo
  version: "1"
  epoch: 0
  copyright:
    - license: MIT AND GPL-3.0-or-later
    - license: BSD-2-Clause
      license-path: sub/LICENSE
)");
  auto diffs = license_differences(det, cfg);
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0].path, "COPYING");
  EXPECT_EQ(diffs[0].is, "");
  EXPECT_EQ(diffs[0].should, "GPL-3.0");
  EXPECT_THAT(describe_difference(diffs[0]),
              ElementsAre("COPYING: GPL-3.0 not found",
                          "NOTE! COPYING: GPL-3.0 might be a restrictive license, please proceed with caution"));
  EXPECT_EQ(diffs[1].path, "sub/LICENSE");
  EXPECT_EQ(diffs[1].is, "BSD-2-Clause");
  EXPECT_THAT(describe_difference(diffs[1]), ElementsAre("sub/LICENSE: BSD-3-Clause != BSD-2-Clause"));

  auto overridden = parse(R"(package:
  name: foo
  version: "1"
  epoch: 0
  copyright:
    - license: BSD-2-Clause
      license-path: sub/LICENSE
      detection-override: BSD-3-Clause
)");
  EXPECT_TRUE(license_differences({det[3]}, overridden).empty());
}

TEST(LicenseFix, FlatAndSimpleKeepTheRest) {
  const std::string yaml = R"(# foo
package:
  name: foo
  version: "1"
  epoch: 0
  copyright:
    - license: GPL-2.0-only  # wrong
      paths:
        - "*"
  description: foo
pipeline:
  - runs: "true"
)";
  std::vector<DetectedLicense> det = {{"MIT", "notice", 1.0, "LICENSE"},
                                      {"Apache-2.0", "notice", 1.0, "sub/COPYING"},
                                      {"ISC", "notice", 0.6, "OTHER"}};
  auto flat = fix_copyright(yaml, "foo.yaml", det, "flat");
  ASSERT_TRUE(flat) << flat.error().message;
  EXPECT_EQ(*flat, R"(# foo
package:
  name: foo
  version: "1"
  epoch: 0
  copyright:
    - license: MIT
      license-path: LICENSE
    - license: Apache-2.0
      license-path: sub/COPYING
  description: foo
pipeline:
  - runs: "true"
)");
  auto simple = fix_copyright(yaml, "foo.yaml", det, "simple");
  ASSERT_TRUE(simple);
  EXPECT_THAT(*simple, HasSubstr("  copyright:\n    - license: Apache-2.0 AND MIT\n  description: foo\n"));
  auto cfg = parse(*simple);
  ASSERT_EQ(cfg.package.copyright.size(), 1u);

  // No copyright yet: added at the end of package:.
  auto added = fix_copyright("package:\n  name: foo\n  version: \"1\"\n\npipeline: []\n", "foo.yaml", det, "simple");
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(*added, "package:\n  name: foo\n  version: \"1\"\n  copyright:\n    - license: Apache-2.0 AND MIT\n\npipeline: []\n");
  EXPECT_FALSE(fix_copyright(yaml, "foo.yaml", det, "fancy"));
}

}  // namespace
}  // namespace melange
