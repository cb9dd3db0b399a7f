#include "sandbox/vm_protocol.hpp"

#include <gtest/gtest.h>

namespace sandbox::vm {
namespace {

TEST(VmProtocol, FramesSurviveArbitrarySplits) {
  std::string stream = frame(Frame::kHello) + frame(Frame::kStdout, std::string("a\0b", 3)) + frame(Frame::kExit, "1234");
  FrameParser p;
  std::vector<std::pair<Frame, std::string>> got;
  for (char c : stream) {
    p.feed(std::string_view(&c, 1));
    while (auto f = p.next()) got.push_back(*f);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].first, Frame::kHello);
  EXPECT_EQ(got[1].second, std::string("a\0b", 3));
  EXPECT_EQ(got[2].first, Frame::kExit);
  EXPECT_FALSE(p.corrupt());
}

TEST(VmProtocol, UnknownTypeOrHugeLengthIsCorrupt) {
  FrameParser p;
  p.feed(std::string("Q\0\0\0\0", 5));
  EXPECT_FALSE(p.next());
  EXPECT_TRUE(p.corrupt());
  FrameParser q;
  q.feed(std::string("O\xff\xff\xff\x7f", 5));
  EXPECT_FALSE(q.next());
  EXPECT_TRUE(q.corrupt());
}

TEST(VmProtocol, ExecRequestRoundTrip) {
  ExecRequest r{{"/bin/sh", "-c", "echo 'x y'"}, {"PATH=/bin", "A="}, "/home/build", 1000, 1001, (1ull << 40) | 1};
  auto d = decode_exec(encode(r));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->argv, r.argv);
  EXPECT_EQ(d->env, r.env);
  EXPECT_EQ(d->work_dir, r.work_dir);
  EXPECT_EQ(d->uid, 1000u);
  EXPECT_EQ(d->gid, 1001u);
  EXPECT_EQ(d->caps, r.caps);
  std::string truncated = encode(r);
  truncated.pop_back();
  EXPECT_FALSE(decode_exec(truncated));
  EXPECT_FALSE(decode_exec(encode(ExecRequest{})));  // no argv
}

TEST(VmProtocol, TtyExecRequestRoundTrip) {
  TtyExecRequest r{40, 132, ExecRequest{{"/bin/sh"}, {"TERM=xterm"}, "/home/build", 0, 0, 0}};
  std::string bytes = encode(r);
  auto d = decode_tty_exec(bytes);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rows, 40u);
  EXPECT_EQ(d->cols, 132u);
  EXPECT_EQ(d->exec.argv, r.exec.argv);
  EXPECT_EQ(d->exec.env, r.exec.env);
  EXPECT_FALSE(decode_tty_exec(bytes.substr(0, 6)));
  EXPECT_FALSE(decode_tty_exec(encode(r.exec)));  // a plain request is not one
  FrameParser p;
  p.feed(frame(Frame::kExecTty, bytes) + frame(Frame::kStdin, "ls\n"));
  EXPECT_EQ(p.next()->first, Frame::kExecTty);
  EXPECT_EQ(p.next()->second, "ls\n");
}

TEST(VmProtocol, FileRecordRoundTrip) {
  FileRecord r;
  r.type = 'l';
  r.path = "usr/bin/x";
  r.mode = 04755;
  r.uid = 1;
  r.gid = 2;
  r.mtime = -5;
  r.target = "../lib/y";
  r.xattrs = {{"security.capability", std::string("\x01\x00", 2)}, {"user.a", "b"}};
  auto d = decode_file(encode(r));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, 'l');
  EXPECT_EQ(d->path, r.path);
  EXPECT_EQ(d->mode, 04755u);
  EXPECT_EQ(d->mtime, -5);
  EXPECT_EQ(d->target, r.target);
  EXPECT_EQ(d->xattrs, r.xattrs);
  r.type = 'x';
  EXPECT_FALSE(decode_file(encode(r)));
}

TEST(VmProtocol, CapabilityNumbers) {
  EXPECT_EQ(capability_number("CHOWN"), 0);
  EXPECT_EQ(capability_number("SYS_ADMIN"), 21);
  EXPECT_EQ(capability_number("MKNOD"), 27);
  EXPECT_EQ(capability_number("CHECKPOINT_RESTORE"), 40);
  EXPECT_EQ(capability_number("NOPE"), -1);
}

}  // namespace
}  // namespace sandbox::vm
