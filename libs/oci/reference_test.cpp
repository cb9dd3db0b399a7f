#include "oci/reference.hpp"

#include <gtest/gtest.h>

namespace oci {
namespace {

TEST(Reference, DockerHubDefaults) {
  auto r = parse_reference("alpine");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registry, "index.docker.io");
  EXPECT_EQ(r->repository, "library/alpine");
  EXPECT_EQ(r->tag, "latest");
  EXPECT_EQ(r->str(), "index.docker.io/library/alpine:latest");
  EXPECT_EQ(parse_reference("docker.io/foo/bar:1.2")->str(), "index.docker.io/foo/bar:1.2");
  EXPECT_EQ(parse_reference("docker.io/alpine")->repository, "library/alpine");
}

TEST(Reference, RegistriesPortsDigests) {
  auto r = parse_reference("localhost:5000/a/b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registry, "localhost:5000");
  EXPECT_EQ(r->repository, "a/b");
  EXPECT_EQ(r->tag, "latest");
  std::string d = "sha256:" + std::string(64, 'a');
  r = parse_reference("ghcr.io/org/img@" + d);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registry, "ghcr.io");
  EXPECT_EQ(r->tag, "");
  EXPECT_EQ(r->digest, d);
  EXPECT_EQ(r->identifier(), d);
  r = parse_reference("127.0.0.1:5000/x:v1@" + d);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag, "v1");
  EXPECT_EQ(r->str(), "127.0.0.1:5000/x:v1@" + d);
  EXPECT_EQ(parse_reference("localhost/x")->registry, "localhost");
}

TEST(Reference, Invalid) {
  EXPECT_FALSE(parse_reference("UPPER/case"));
  EXPECT_FALSE(parse_reference("a/b:bad tag"));
  EXPECT_FALSE(parse_reference("a@sha256:short"));
  EXPECT_FALSE(parse_reference(""));
  EXPECT_FALSE(parse_reference("a//b"));
}

TEST(Reference, LocalRegistries) {
  EXPECT_TRUE(is_local_registry("localhost"));
  EXPECT_TRUE(is_local_registry("localhost:5000"));
  EXPECT_TRUE(is_local_registry("127.0.0.1:41234"));
  EXPECT_TRUE(is_local_registry("[::1]:5000"));
  EXPECT_TRUE(is_local_registry("reg.localhost:80"));
  EXPECT_FALSE(is_local_registry("ghcr.io"));
  EXPECT_FALSE(is_local_registry("localhost.example.com"));
}

}  // namespace
}  // namespace oci
