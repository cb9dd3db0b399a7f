#include "archive/tar_writer.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstring>

#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "archive/gzip.hpp"
#include "archive/tar_reader.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"
#include "testutil/testutil.hpp"

namespace archive {
namespace {

namespace fs = std::filesystem;

struct Listed {
  TarEntry e;
  std::string data;
};

std::vector<Listed> read_all(std::string_view tar, std::optional<base::Error>* err = nullptr) {
  TarReader r(tar);
  std::vector<Listed> out;
  TarEntry e;
  std::string_view d;
  while (r.next(&e, &d)) out.push_back({e, std::string(d)});
  if (err) *err = r.error();
  return out;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return "popen failed";
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  if (rc != 0) out += "\n[exit " + std::to_string(rc) + "]";
  return out;
}

// True when one line of `text` contains all `parts`.
bool has_line(const std::string& text, std::initializer_list<std::string_view> parts) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    bool all = true;
    for (auto p : parts) all = all && line.find(p) != std::string_view::npos;
    if (all) return true;
    pos = end + 1;
  }
  return false;
}

TarEntry file(std::string name, std::string_view data, uint32_t mode = 0644) {
  TarEntry e;
  e.name = std::move(name);
  e.size = data.size();
  e.mode = mode;
  e.uname = e.gname = "root";
  return e;
}
TarEntry of_type(std::string name, EntryType t, uint32_t mode = 0755) {
  TarEntry e = file(std::move(name), "", mode);
  e.type = t;
  return e;
}

// An apk/OCI-like sample: every entry type, long names, PAX records, special bits.
std::vector<Listed> sample() {
  std::string long1 = std::string(60, 'd') + "/" + std::string(70, 'f');               // 131: ustar prefix
  std::string long2 = std::string(150, 'a') + "/" + std::string(150, 'b') + "/leaf";  // 306: PAX path
  std::vector<Listed> v;
  v.push_back({of_type("usr", EntryType::kDir), ""});
  v.push_back({of_type("usr/bin", EntryType::kDir), ""});
  TarEntry su = file("usr/bin/su", "#!/bin/sh\necho su\n", 04755);
  su.pax = {{"APK-TOOLS.checksum.SHA1", base::sha1_hex("#!/bin/sh\necho su\n")},
            {"SCHILY.xattr.user.note", std::string("a\0b=c\n", 6)}};
  v.push_back({su, "#!/bin/sh\necho su\n"});
  v.push_back({of_type("tmp", EntryType::kDir, 01777), ""});
  v.push_back({of_type("usr/sbin", EntryType::kDir, 02755), ""});
  TarEntry sl = of_type("usr/bin/sh", EntryType::kSymlink, 0777);
  sl.linkname = "/bin/busybox";
  v.push_back({sl, ""});
  TarEntry hl = of_type("usr/bin/su2", EntryType::kHardlink, 04755);
  hl.linkname = "usr/bin/su";
  v.push_back({hl, ""});
  TarEntry cd = of_type("dev/null", EntryType::kCharDevice, 0666);
  cd.devmajor = 1;
  cd.devminor = 3;
  v.push_back({cd, ""});
  TarEntry bd = of_type("dev/sda", EntryType::kBlockDevice, 0660);
  bd.devmajor = 8;
  bd.gid = 6;
  bd.gname = "disk";
  v.push_back({bd, ""});
  v.push_back({of_type("run/fifo", EntryType::kFifo, 0600), ""});
  v.push_back({file(long1, "one"), "one"});
  v.push_back({file(long2, "two"), "two"});
  TarEntry ll = of_type("longlink", EntryType::kSymlink, 0777);
  ll.linkname = long2;
  v.push_back({ll, ""});
  TarEntry owner = file("home/nonroot/.profile", "x=1\n", 0600);
  owner.uid = owner.gid = 65532;
  owner.uname = owner.gname = "nonroot";
  owner.mtime = 1700000000;
  v.push_back({owner, "x=1\n"});
  TarEntry big = file("big-ids", "", 0644);
  big.uid = 3000000000u;
  big.gid = 2097152;  // 8^7: one more than an 8-byte octal field holds
  big.uname = std::string(40, 'u');
  v.push_back({big, ""});
  v.push_back({file("caf\xc3\xa9.txt", "utf8"), "utf8"});
  return v;
}

std::string write_all(const std::vector<Listed>& v, TarWriterOptions o = {}, bool end = true) {
  StringSink s;
  TarWriter w(s, o);
  for (const auto& l : v) EXPECT_TRUE(w.add(l.e, l.data)) << l.e.name;
  EXPECT_TRUE(w.finish(end));
  return s.data;
}

TEST(TarWriter, RoundTripsEveryEntryType) {
  auto in = sample();
  std::string tar = write_all(in);
  EXPECT_EQ(tar.size() % 512, 0u);
  std::optional<base::Error> err;
  auto out = read_all(tar, &err);
  ASSERT_FALSE(err) << err->message;
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const TarEntry &a = in[i].e, &b = out[i].e;
    SCOPED_TRACE(a.name);
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.mode, a.mode);
    EXPECT_EQ(b.uid, a.uid);
    EXPECT_EQ(b.gid, a.gid);
    EXPECT_EQ(b.uname, a.uname);
    EXPECT_EQ(b.gname, a.gname);
    EXPECT_EQ(b.mtime, a.mtime);
    EXPECT_EQ(b.size, a.type == EntryType::kFile ? a.size : 0);
    EXPECT_EQ(b.linkname, a.linkname);
    EXPECT_EQ(b.devmajor, a.devmajor);
    EXPECT_EQ(b.devminor, a.devminor);
    EXPECT_EQ(b.pax, a.pax);
    EXPECT_EQ(out[i].data, in[i].data);
  }
}

TEST(TarWriter, HeaderBytesFollowGoArchiveTar) {
  StringSink s;
  TarWriter w(s);
  TarEntry d = of_type("usr", EntryType::kDir);
  d.mtime = 015157670720;  // as in the perl-json fixture
  ASSERT_TRUE(w.add(d));
  TarEntry f = file("usr/a", "hi");
  f.pax = {{"APK-TOOLS.checksum.SHA1", base::sha1_hex("hi")}};
  ASSERT_TRUE(w.add(f, "hi"));
  ASSERT_TRUE(w.finish(false));
  const std::string& t = s.data;
  ASSERT_EQ(t.size(), 512u + 512 + 512 + 512 + 512);
  EXPECT_EQ(t.substr(0, 5), std::string("usr/\0", 5));
  EXPECT_EQ(t.substr(100, 8), std::string("0000755\0", 8));
  EXPECT_EQ(t.substr(124, 12), std::string("00000000000\0", 12));
  EXPECT_EQ(t.substr(136, 12), std::string("15157670720\0", 12));
  EXPECT_EQ(t[156], '5');
  EXPECT_EQ(t.substr(257, 8), std::string("ustar\0" "00", 8));
  EXPECT_EQ(t.substr(329, 16), std::string("0000000\0" "0000000\0", 16));
  EXPECT_EQ(t[148 + 6], '\0');
  EXPECT_EQ(t[148 + 7], ' ');
  // PAX header for usr/a.
  EXPECT_EQ(t.substr(512, 22), std::string("usr/PaxHeaders.0/a\0\0\0\0", 22));
  EXPECT_EQ(t[512 + 156], 'x');
  EXPECT_EQ(t.substr(512 + 265, 32), std::string(32, '\0'));
  EXPECT_EQ(t.substr(512 + 329, 16), std::string(16, '\0'));
  EXPECT_EQ(t.substr(1024, 68), "68 APK-TOOLS.checksum.SHA1=" + base::sha1_hex("hi") + "\n");
}

TEST(TarWriter, DirectorySlashPolicy) {
  std::vector<Listed> v = {{of_type("etc/", EntryType::kDir), ""}, {of_type("var", EntryType::kDir), ""}};
  std::string apk = write_all(v);
  EXPECT_EQ(apk.substr(0, 5), std::string("etc/\0", 5));
  EXPECT_EQ(apk.substr(512, 5), std::string("var/\0", 5));
  std::string oci = write_all(v, TarWriterOptions{.dir_trailing_slash = false});
  EXPECT_EQ(oci.substr(0, 4), std::string("etc\0", 4));
  EXPECT_EQ(oci.substr(512, 4), std::string("var\0", 4));
}

TEST(TarWriter, Deterministic) { EXPECT_EQ(write_all(sample()), write_all(sample())); }

TEST(TarWriter, RejectsBadInput) {
  StringSink s;
  TarWriter w(s);
  EXPECT_FALSE(w.add(file("a", "abc"), "ab"));
  TarEntry p = file("b", "");
  p.pax = {{"path", "x"}};
  EXPECT_FALSE(w.add(p));
  p.pax = {{"a=b", "x"}};
  EXPECT_FALSE(w.add(p));
  EXPECT_FALSE(w.add(file("", "")));
  TarEntry dev = of_type("d", EntryType::kCharDevice);
  dev.devmajor = 1u << 22;
  EXPECT_FALSE(w.add(dev));
  // Streaming: too much data, then too little.
  ASSERT_TRUE(w.add_header(file("c", "12345")));
  EXPECT_FALSE(w.add_data("123456"));
  ASSERT_TRUE(w.add_data("123"));
  auto st = w.finish();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("tar entry c"), std::string::npos) << st.error().message;
}

TEST(TarWriter, StreamingEqualsSingleShot) {
  std::string data(5000, 'q');
  StringSink a, b;
  TarWriter wa(a), wb(b);
  ASSERT_TRUE(wa.add(file("f", data), data));
  ASSERT_TRUE(wa.finish());
  ASSERT_TRUE(wb.add_header(file("f", data)));
  ASSERT_TRUE(wb.add_data(std::string_view(data).substr(0, 1234)));
  ASSERT_TRUE(wb.add_data(std::string_view(data).substr(1234)));
  ASSERT_TRUE(wb.finish());
  EXPECT_EQ(a.data, b.data);
}

// Re-writing what melange (Go archive/tar) wrote must give the same bytes.
TEST(TarWriter, ReproducesMelangeBuiltApkStreamsByteForByte) {
  const char* apks[] = {"wolfi-apks/perl-json-4.11-r0.apk", "wolfi-apks/bash-doc-5.2.37-r2.apk",
                        "wolfi-apks/libcap-2.69-r0.apk", "wolfi-apks/ruby3.2-base64-0.2.0-r2.apk",
                        "wolfi-apks/kubeflow-pipelines-2.1.3-r7.apk"};
  int checked = 0;
  for (const char* rel : apks) {
    auto apk = base::read_file(testutil::test_data_dir() / rel);
    ASSERT_TRUE(apk) << rel << ": " << apk.error().message;
    auto members = find_gzip_members(*apk);
    ASSERT_TRUE(members) << rel;
    for (size_t m = 0; m < members->size(); ++m) {
      bool data_member = m + 1 == members->size();
      auto tar = gunzip(apk->substr((*members)[m].offset, (*members)[m].length));
      ASSERT_TRUE(tar) << rel;
      std::optional<base::Error> err;
      auto entries = read_all(*tar, &err);
      ASSERT_FALSE(err) << rel << ": " << err->message;
      std::string again = write_all(entries, TarWriterOptions{.dir_trailing_slash = false}, data_member);
      EXPECT_EQ(again.size(), tar->size()) << rel << " member " << m;
      EXPECT_TRUE(again == *tar) << rel << " member " << m << " differs";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2 + 2 + 3 + 3 + 3);  // every member: perl-json and bash-doc are unsigned
}

class GnuTar : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("tar --version").find("GNU tar") == std::string::npos) GTEST_SKIP() << "GNU tar not installed";
    auto d = base::TempDir::create("ma-tar-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
  }
  std::optional<base::TempDir> dir_;
};

TEST_F(GnuTar, ListsWhatWeWrite) {
  std::string tar = write_all(sample());
  auto path = dir_->path() / "t.tar";
  ASSERT_TRUE(base::write_file_atomic(path, tar));
  std::string out = run("tar --numeric-owner -tvf " + path.string());
  EXPECT_EQ(out.find("[exit"), std::string::npos) << out;
  EXPECT_NE(out.find("-rwsr-xr-x 0/0"), std::string::npos) << out;
  EXPECT_NE(out.find("drwxrwxrwt 0/0"), std::string::npos) << out;
  EXPECT_NE(out.find("drwxr-sr-x 0/0"), std::string::npos) << out;
  EXPECT_TRUE(has_line(out, {"crw-rw-rw- 0/0 ", " 1,3 ", " dev/null"})) << out;
  EXPECT_TRUE(has_line(out, {"brw-rw---- 0/6 ", " 8,0 ", " dev/sda"})) << out;
  EXPECT_NE(out.find("prw------- 0/0"), std::string::npos) << out;
  EXPECT_NE(out.find("usr/bin/sh -> /bin/busybox"), std::string::npos) << out;
  EXPECT_NE(out.find("usr/bin/su2 link to usr/bin/su"), std::string::npos) << out;
  EXPECT_NE(out.find("65532/65532"), std::string::npos) << out;
  EXPECT_NE(out.find("3000000000/2097152"), std::string::npos) << out;
  EXPECT_NE(out.find(std::string(150, 'a') + "/" + std::string(150, 'b') + "/leaf"), std::string::npos) << out;
  EXPECT_NE(out.find("longlink -> " + std::string(150, 'a')), std::string::npos) << out;
  EXPECT_NE(out.find(std::string(60, 'd') + "/" + std::string(70, 'f')), std::string::npos) << out;
  EXPECT_NE(out.find("caf\xc3\xa9.txt"), std::string::npos) << out;
}

TEST_F(GnuTar, ExtractsWhatWeWrite) {
  std::vector<Listed> v;
  for (auto& l : sample())
    if (l.e.type != EntryType::kCharDevice && l.e.type != EntryType::kBlockDevice) v.push_back(l);
  std::string tar = write_all(v);
  auto path = dir_->path() / "t.tar";
  auto root = dir_->path() / "root";
  fs::create_directories(root);
  ASSERT_TRUE(base::write_file_atomic(path, tar));
  std::string out = run("tar --no-same-owner -xpf " + path.string() + " -C " + root.string());
  EXPECT_EQ(out.find("[exit"), std::string::npos) << out;
  struct stat st {};
  ASSERT_EQ(::stat((root / "usr/bin/su").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 04755u);
  EXPECT_EQ(st.st_nlink, 2u);  // hardlink usr/bin/su2
  ASSERT_EQ(::stat((root / "tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  ASSERT_EQ(::lstat((root / "usr/bin/sh").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(fs::read_symlink(root / "usr/bin/sh"), "/bin/busybox");
  ASSERT_EQ(::lstat((root / "run/fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  ASSERT_EQ(::stat((root / "home/nonroot/.profile").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1700000000);
  EXPECT_EQ(*base::read_file(root / "usr/bin/su"), "#!/bin/sh\necho su\n");
  EXPECT_EQ(*base::read_file(root / (std::string(150, 'a') + "/" + std::string(150, 'b') + "/leaf")), "two");
  EXPECT_EQ(*base::read_file(root / "caf\xc3\xa9.txt"), "utf8");
}

TEST_F(GnuTar, ExtractsXattrs) {
  TarEntry f = file("f", "x");
  f.pax = {{"SCHILY.xattr.user.mime", "text/plain"}};
  std::string tar = write_all({{f, "x"}});
  auto path = dir_->path() / "x.tar";
  auto root = dir_->path() / "root";
  fs::create_directories(root);
  ASSERT_TRUE(base::write_file_atomic(path, tar));
  if (::setxattr(path.c_str(), "user.probe", "1", 1, 0) != 0)
    GTEST_SKIP() << "this filesystem does not take user xattrs: " << std::strerror(errno);
  std::string out = run("tar --xattrs --xattrs-include='user.*' -xf " + path.string() + " -C " + root.string());
  EXPECT_EQ(out.find("[exit"), std::string::npos) << out;
  char buf[64] = {};
  ssize_t n = ::getxattr((root / "f").c_str(), "user.mime", buf, sizeof buf);
  ASSERT_EQ(n, 10) << std::strerror(errno);
  EXPECT_EQ(std::string(buf, size_t(n)), "text/plain");
}

// GNU tar's own output (GNU and PAX formats) reads back with our reader.
TEST_F(GnuTar, ReaderParsesGnuTarOutput) {
  auto src = dir_->path() / "src";
  std::string deep = std::string(120, 'x') + "/" + std::string(120, 'y');
  fs::create_directories(src / deep);
  ASSERT_TRUE(base::write_file_atomic(src / deep / "file", "deep"));
  fs::create_symlink(std::string(130, 'z'), src / "sym");
  for (const char* format : {"gnu", "posix"}) {
    auto out = dir_->path() / (std::string(format) + ".tar");
    std::string r = run("tar --format=" + std::string(format) + " -cf " + out.string() + " -C " + src.string() + " .");
    ASSERT_EQ(r.find("[exit"), std::string::npos) << r;
    auto tar = base::read_file(out);
    ASSERT_TRUE(tar);
    std::optional<base::Error> err;
    auto entries = read_all(*tar, &err);
    ASSERT_FALSE(err) << format << ": " << err->message;
    bool saw_file = false, saw_link = false;
    for (const auto& l : entries) {
      if (l.e.name == "./" + deep + "/file") saw_file = l.data == "deep";
      if (l.e.name == "./sym") saw_link = l.e.linkname == std::string(130, 'z');
    }
    EXPECT_TRUE(saw_file) << format;
    EXPECT_TRUE(saw_link) << format;
  }
}

}  // namespace
}  // namespace archive
