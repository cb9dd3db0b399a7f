// Reading etc/passwd and etc/group of a tree: the one parser of these files, for layer tar
// owner names (uname/gname), apko's OCI `User` and melange's run-as and owner names.
//
// A line is "name:x:id[:gid:...]"; the id is the third field and, in etc/passwd, the primary
// gid the fourth. Lines with fewer than three fields, an empty name, or an id that is not a
// number in 0..2^32-1 are skipped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootfs/tree.hpp"

namespace rootfs {

struct IdEntry {
  std::string name;
  uint32_t id = 0;
  std::optional<uint32_t> gid;  // the fourth field, when it is a valid id
};

// The entries of `path` in the tree, in file order (none when the file is missing).
std::vector<IdEntry> read_id_file(const Tree& tree, std::string_view path);

// id -> name; the first entry of an id wins (as getpwuid).
std::map<uint32_t, std::string> id_names(const Tree& tree, std::string_view path);

}  // namespace rootfs
