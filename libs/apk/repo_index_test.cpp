#include "apk/repo_index.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "apk/index_archive.hpp"
#include "apk/keyring.hpp"
#include "apk/package.hpp"
#include "apk/package_writer.hpp"
#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace apk {
namespace {

namespace fs = std::filesystem;

class RepoIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create();
    ASSERT_TRUE(d);
    dir_ = std::make_unique<base::TempDir>(std::move(*d));
  }
  fs::path write_pkg(const std::string& name, const std::string& version, const std::string& arch = "x86_64",
                     const std::string& payload = "") {
    PackageInfo info;
    info.name = name;
    info.version = version;
    info.arch = arch;
    info.description = payload;
    auto pkg = assemble_package(info, {}, std::string(1024, '\0'), 0, nullptr);
    EXPECT_TRUE(pkg);
    fs::path p = dir_->path() / (name + "-" + version + ".apk");
    EXPECT_TRUE(base::write_file_atomic(p, pkg->bytes));
    return p;
  }
  std::vector<PackageInfo> read(const fs::path& p) {
    auto bytes = base::read_file(p);
    EXPECT_TRUE(bytes);
    IndexReadOptions ro;
    ro.signature = SignaturePolicy::kIgnore;
    auto idx = read_index_archive(*bytes, p.string(), ro);
    EXPECT_TRUE(idx);
    std::vector<PackageInfo> out;
    for (const auto& e : idx->index.entries()) out.push_back(e.to_info());
    return out;
  }
  std::unique_ptr<base::TempDir> dir_;
};

TEST_F(RepoIndex, UnchangedPackagesAreNotReRead) {
  std::vector<fs::path> pkgs;
  for (int i = 0; i < 5; ++i) pkgs.push_back(write_pkg("p" + std::to_string(i), "1.0-r0"));
  IndexUpdate u{pkgs, dir_->path() / "APKINDEX.tar.gz"};
  auto s1 = update_index(u);
  ASSERT_TRUE(s1) << s1.error().message;
  EXPECT_EQ(s1->read, 5u);
  EXPECT_EQ(s1->total, 5u);

  auto s2 = update_index(u);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->read, 0u);
  EXPECT_EQ(s2->reused, 5u);

  // Rebuild one package with different content: only it is read.
  fs::remove(pkgs[2]);
  write_pkg("p2", "1.0-r0", "x86_64", "changed");
  auto s3 = update_index(u);
  ASSERT_TRUE(s3);
  EXPECT_EQ(s3->read, 1u);
  EXPECT_EQ(s3->reused, 4u);

  // The incremental result equals a full re-index from scratch.
  IndexUpdate full{pkgs, dir_->path() / "full.tar.gz"};
  auto s4 = update_index(full);
  ASSERT_TRUE(s4);
  EXPECT_EQ(s4->read, 5u);
  EXPECT_EQ(base::read_file(u.output).value(), base::read_file(full.output).value());
  auto entries = read(u.output);
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[2].description, "changed");
}

TEST_F(RepoIndex, MergeKeepsSourceEntriesAndArchFilters) {
  auto a = write_pkg("a", "1.0-r0");
  auto b = write_pkg("b", "1.0-r0");
  auto arm = write_pkg("c", "1.0-r0", "aarch64");
  IndexUpdate first{{a, arm}, dir_->path() / "APKINDEX.tar.gz"};
  first.arch = "x86_64";
  auto s1 = update_index(first);
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->skipped, 1u);
  EXPECT_EQ(s1->total, 1u);

  IndexUpdate second{{b}, dir_->path() / "APKINDEX.tar.gz"};
  second.merge = true;
  auto s2 = update_index(second);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->kept, 1u);
  auto entries = read(second.output);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "a");
  EXPECT_EQ(entries[1].name, "b");

  // Without --merge the index lists exactly the inputs.
  IndexUpdate third{{b}, dir_->path() / "APKINDEX.tar.gz"};
  ASSERT_TRUE(update_index(third));
  EXPECT_EQ(read(third.output).size(), 1u);
}

TEST_F(RepoIndex, BadPackageNamesTheFileAndLeavesIndexUntouched) {
  auto a = write_pkg("a", "1.0-r0");
  IndexUpdate u{{a}, dir_->path() / "APKINDEX.tar.gz"};
  ASSERT_TRUE(update_index(u));
  auto before = base::read_file(u.output).value();
  auto bad = dir_->path() / "bad.apk";
  ASSERT_TRUE(base::write_file_atomic(bad, "not an apk"));
  u.packages.push_back(bad);
  auto r = update_index(u);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad.apk"), std::string::npos);
  EXPECT_EQ(base::read_file(u.output).value(), before);
}

// The key given as a file is loaded alongside the reading: the index verifies with its public
// half. A key that cannot be loaded is the error reported (even with a missing package too),
// and the index is left as it was.
TEST_F(RepoIndex, KeyFileSignsAndABadKeyIsTheErrorReported) {
  const fs::path keys = testutil::test_data_dir() / "apko-cli-testdata";
  auto a = write_pkg("a", "1.0-r0");
  IndexUpdate u{{a}, dir_->path() / "APKINDEX.tar.gz"};
  u.key_file = keys / "melange.rsa";
  ASSERT_TRUE(update_index(u));
  Keyring ring;
  ASSERT_TRUE(ring.add_file(keys / "melange.rsa.pub"));
  auto bytes = base::read_file(u.output).value();
  IndexReadOptions ro;
  ro.keyring = &ring;
  auto idx = read_index_archive(bytes, u.output.string(), ro);
  ASSERT_TRUE(idx) << idx.error().message;
  EXPECT_EQ(idx->trusted_by, "melange.rsa.pub");
  ASSERT_EQ(idx->index.size(), 1u);

  ASSERT_TRUE(base::write_file_atomic(dir_->path() / "broken.rsa", "-----BEGIN PRIVATE KEY-----\nnope\n"));
  u.key_file = dir_->path() / "broken.rsa";
  u.packages.push_back(dir_->path() / "missing.apk");
  auto r = update_index(u);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("broken.rsa"), std::string::npos) << r.error().message;
  EXPECT_EQ(base::read_file(u.output).value(), bytes);
  u.key_file = keys / "melange.rsa";
  r = update_index(u);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("missing.apk: no such package file"), std::string::npos) << r.error().message;
}

// Two inputs with one file name (copies in two directories, different contents, same name,
// version and arch): the later input's record and stamp win, and the next run, which re-reads
// only the other file, writes the same bytes as a full index.
TEST_F(RepoIndex, SameFileNameInTwoDirectoriesLaterInputWins) {
  auto first = write_pkg("dup", "1.0-r0", "x86_64", "first");
  fs::path elsewhere = dir_->path() / "elsewhere";
  fs::create_directory(elsewhere);
  fs::rename(first, elsewhere / first.filename());
  first = elsewhere / first.filename();
  auto second = write_pkg("dup", "1.0-r0", "x86_64", "second");
  auto other = write_pkg("other", "2.0-r0");
  IndexUpdate u{{first, other, second}, dir_->path() / "APKINDEX.tar.gz"};
  auto s1 = update_index(u);
  ASSERT_TRUE(s1) << s1.error().message;
  EXPECT_EQ(s1->total, 2u);
  auto entries = read(u.output);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].description, "second");
  auto once = base::read_file(u.output).value();
  auto s2 = update_index(u);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->read, 1u);  // the first copy: its stamp was replaced by the second's
  EXPECT_EQ(s2->reused, 2u);
  EXPECT_EQ(base::read_file(u.output).value(), once);
}

// Enough packages for several reading threads (blocks of 32): every entry is the package's
// own record (checked against each file read on its own), in name order, and the progress
// callback ends at the total; two bad files among them: the error names the first in input order.
TEST_F(RepoIndex, ManyPackagesReadTogetherGiveEachItsRecord) {
  std::vector<fs::path> pkgs;
  for (int i = 0; i < 300; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "m%03d", (i * 7) % 300);  // inputs not in name order
    pkgs.push_back(write_pkg(name, "1." + std::to_string(i % 5) + "-r0", "x86_64", "payload " + std::to_string(i)));
  }
  IndexUpdate u{pkgs, dir_->path() / "APKINDEX.tar.gz"};
  size_t last_done = 0, calls = 0;
  u.progress = [&](size_t done, size_t total, size_t read) {
    EXPECT_EQ(total, 300u);
    EXPECT_LE(read, done);
    last_done = std::max(last_done, done);
    ++calls;
  };
  auto st = update_index(u);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(st->read, 300u);
  EXPECT_EQ(last_done, 300u);
  EXPECT_GE(calls, 1u);
  auto entries = read(u.output);
  ASSERT_EQ(entries.size(), 300u);
  PackageReadOptions ro;
  ro.signature = SignaturePolicy::kIgnore;
  std::map<std::string, PackageInfo> expected;
  for (const auto& p : pkgs) {
    auto pkg = Package::load(p, ro);
    ASSERT_TRUE(pkg) << pkg.error().message;
    expected[pkg->info().name] = pkg->info();
  }
  size_t i = 0;
  for (const auto& [name, info] : expected) {
    EXPECT_EQ(entries[i].name, name);
    EXPECT_EQ(entries[i].version, info.version);
    EXPECT_EQ(entries[i].checksum, info.checksum);
    EXPECT_EQ(entries[i].description, info.description);
    EXPECT_EQ(entries[i].package_size, info.package_size);
    ++i;
  }

  auto before = base::read_file(u.output).value();
  std::vector<fs::path> with_bad = pkgs;
  ASSERT_TRUE(base::write_file_atomic(dir_->path() / "bad-late.apk", "not an apk"));
  ASSERT_TRUE(base::write_file_atomic(dir_->path() / "bad-early.apk", "not an apk either"));
  with_bad.insert(with_bad.begin() + 250, dir_->path() / "bad-late.apk");
  with_bad.insert(with_bad.begin() + 40, dir_->path() / "bad-early.apk");
  fs::remove(index_stat_path(u.output));  // everything is read again
  u.packages = with_bad;
  u.progress = nullptr;
  auto r = update_index(u);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad-early.apk"), std::string::npos) << r.error().message;
  EXPECT_EQ(base::read_file(u.output).value(), before);
}

// Eight processes each add their own package to one index with merge at the same moment,
// twenty times over: every round's index lists all eight (no lost update).
TEST_F(RepoIndex, ConcurrentMergingUpdatesLoseNothing) {
  constexpr int kWriters = 8;
  std::vector<fs::path> pkgs;
  for (int i = 0; i < kWriters; ++i) pkgs.push_back(write_pkg("c" + std::to_string(i), "1.0-r0"));
  for (int round = 0; round < 20; ++round) {
    fs::path out = dir_->path() / ("round" + std::to_string(round));
    fs::create_directory(out);
    std::vector<pid_t> kids;
    for (int i = 0; i < kWriters; ++i) {
      pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        IndexUpdate u{{pkgs[static_cast<size_t>(i)]}, out / "APKINDEX.tar.gz"};
        u.merge = true;
        ::_exit(update_index(u) ? 0 : 1);
      }
      kids.push_back(pid);
    }
    for (pid_t pid : kids) {
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer failed in round " << round;
    }
    EXPECT_EQ(read(out / "APKINDEX.tar.gz").size(), static_cast<size_t>(kWriters)) << "round " << round;
  }
}

}  // namespace
}  // namespace apk
