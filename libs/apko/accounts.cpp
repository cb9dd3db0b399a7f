#include "apko/accounts.hpp"

#include <vector>

#include "base/strings.hpp"
#include "rootfs/id_file.hpp"

namespace apko {
namespace {

// Lines of an existing text file in the tree ("" lines dropped), or none.
std::vector<std::string> read_lines(const rootfs::Tree& tree, std::string_view path) {
  std::vector<std::string> out;
  auto text = tree.read_file(path);
  if (!text) return out;
  for (auto line : base::split(*text, '\n'))
    if (!base::trim(line).empty()) out.emplace_back(line);
  return out;
}

std::string first_field(std::string_view line) { return std::string(line.substr(0, line.find(':'))); }

// Replaces the line whose first field is `name`, or appends.
void upsert(std::vector<std::string>& lines, const std::string& name, std::string line) {
  for (auto& l : lines)
    if (first_field(l) == name) {
      l = std::move(line);
      return;
    }
  lines.push_back(std::move(line));
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

base::Status put(rootfs::Tree& tree, std::string_view path, const std::string& text, uint32_t mode) {
  TRY(tree.mkdir_p("etc", rootfs::Meta{0755, 0, 0, 0, {}}));
  return tree.write_file(path, rootfs::Content::own(text), rootfs::Meta{mode, 0, 0, 0, {}});
}

}  // namespace

base::Status write_accounts(rootfs::Tree& tree, const config::Accounts& accounts) {
  auto passwd = read_lines(tree, "etc/passwd");
  for (const auto& u : accounts.users) {
    uint32_t gid = u.gid.value_or(u.uid);
    std::string home = u.homedir.empty() ? "/home/" + u.username : u.homedir;
    std::string shell = u.shell.empty() ? "/bin/sh" : u.shell;
    upsert(passwd, u.username,
           u.username + ":x:" + std::to_string(u.uid) + ":" + std::to_string(gid) + ":Account created by apko:" + home +
               ":" + shell);
  }
  TRY(put(tree, "etc/passwd", joined(passwd), 0644));

  if (!accounts.groups.empty()) {
    auto group = read_lines(tree, "etc/group");
    for (const auto& g : accounts.groups)
      upsert(group, g.groupname, g.groupname + ":x:" + std::to_string(g.gid) + ":" + base::join(g.members, ","));
    TRY(put(tree, "etc/group", joined(group), 0644));
  }

  if (!accounts.users.empty()) {
    auto shadow = read_lines(tree, "etc/shadow");
    for (const auto& u : accounts.users) {
      bool present = false;
      for (const auto& l : shadow) present = present || first_field(l) == u.username;
      if (!present) shadow.push_back(u.username + ":!:::::::");
    }
    TRY(put(tree, "etc/shadow", joined(shadow), 0640));
  }

  for (const auto& u : accounts.users) {
    std::string home = u.homedir.empty() ? "/home/" + u.username : u.homedir;
    if (tree.exists(home, rootfs::Follow::kFollow)) continue;
    auto slash = home.find_last_of('/');
    if (slash != std::string::npos && slash > 0) TRY(tree.mkdir_p(home.substr(0, slash), rootfs::Meta{0755, 0, 0, 0, {}}));
    TRY(tree.mkdir_p(home, rootfs::Meta{0700, u.uid, u.gid.value_or(u.uid), 0, {}}));
  }
  return base::ok();
}

std::optional<uint32_t> lookup_uid(const rootfs::Tree& tree, std::string_view user) {
  for (const auto& e : rootfs::read_id_file(tree, "etc/passwd"))
    if (e.name == user) return e.id;
  return std::nullopt;
}

std::string resolve_run_as(const rootfs::Tree& tree, std::string_view run_as) {
  std::string_view user = run_as.substr(0, run_as.find(':'));
  std::string rest(run_as.substr(user.size()));
  if (auto uid = lookup_uid(tree, user)) return std::to_string(*uid) + rest;
  return std::string(run_as);
}

}  // namespace apko
