// /etc/apko.json (see apko_json.hpp).
#include "apko/apko_json.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fetch/url.hpp"
#include "rootfs/id_file.hpp"

namespace apko {

namespace {

using ojson = nlohmann::ordered_json;

std::vector<std::string> sorted_set(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

void put(ojson& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put(ojson& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
// Go marshals maps with their keys sorted.
void put(ojson& j, const char* key, const config::OrderedMap& m) {
  if (m.empty()) return;
  std::vector<std::pair<std::string, std::string>> sorted(m.begin(), m.end());
  std::sort(sorted.begin(), sorted.end());
  ojson o = ojson::object();
  for (const auto& [k, v] : sorted) o[k] = v;
  j[key] = std::move(o);
}
void put(ojson& j, const char* key, const std::vector<config::NamedContent>& v) {
  if (v.empty()) return;
  ojson a = ojson::array();
  for (const auto& nc : v) {
    ojson e = ojson::object();
    put(e, "name", nc.name);
    put(e, "content", nc.content);
    a.push_back(std::move(e));
  }
  j[key] = std::move(a);
}

// Go's json.Encoder escapes HTML-significant characters and the two JavaScript line separators
// inside strings; they cannot occur outside strings in the compact output.
std::string go_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xe2' && i + 2 < s.size() && s[i + 1] == '\x80' && (s[i + 2] == '\xa8' || s[i + 2] == '\xa9')) {
      out += s[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> without_credentials(std::vector<std::string> urls) {
  for (auto& u : urls) u = fetch::redact(u);
  return urls;
}

config::ImageConfig locked_config(const Plan& plan, size_t arch_index, const std::vector<apk::InstalledPackage>& installed,
                                  const BuildOptions& opts, const rootfs::Tree& tree) {
  config::ImageConfig c = plan.config;
  c.contents.repositories = sorted_set(without_credentials(plan.lock_repositories));
  c.contents.build_repositories = sorted_set(without_credentials(plan.lock_build_repositories));
  c.contents.runtime_repositories = without_credentials(c.contents.runtime_repositories);
  c.contents.keyring = without_credentials(plan.keyring_sources);
  std::vector<std::string> pinned;
  for (const auto& p : installed) pinned.push_back(p.info.name + "=" + p.info.version);
  std::sort(pinned.begin(), pinned.end());
  c.contents.packages = std::move(pinned);
  c.archs = {plan.archs[arch_index].arch.oci_name()};
  if (!opts.vcs_url.empty()) c.vcs_url = opts.vcs_url;
  if (c.entrypoint.type == "service-bundle") c.entrypoint.command = "/bin/s6-svscan /sv";
  for (auto& u : c.accounts.users)
    if (u.homedir.empty()) u.homedir = "/home/" + u.username;
  // run-as names a user: apko records its uid as etc/passwd has it after the accounts step,
  // where a configured user replaces a package's entry of the same name.
  if (!c.accounts.run_as.empty()) {
    std::optional<uint32_t> uid;
    for (const auto& u : c.accounts.users)
      if (u.username == c.accounts.run_as) uid = u.uid;
    if (!uid)
      for (const auto& e : rootfs::read_id_file(tree, "etc/passwd"))
        if (e.name == c.accounts.run_as) {
          uid = e.id;
          break;
        }
    if (uid) c.accounts.run_as = std::to_string(*uid);
  }
  return c;
}

std::string apko_json(const config::ImageConfig& c) {
  ojson j = ojson::object();
  ojson contents = ojson::object();
  put(contents, "build_repositories", c.contents.build_repositories);
  put(contents, "runtime_repositories", c.contents.runtime_repositories);
  put(contents, "repositories", c.contents.repositories);
  put(contents, "keyring", c.contents.keyring);
  put(contents, "runtime_keyring", c.contents.runtime_keyring);
  put(contents, "packages", c.contents.packages);
  if (c.contents.baseimage) {
    ojson b = ojson::object();
    put(b, "image", c.contents.baseimage->image);
    put(b, "apkindex", c.contents.baseimage->apkindex);
    contents["baseimage"] = std::move(b);
  }
  j["contents"] = std::move(contents);
  ojson e = ojson::object();
  put(e, "type", c.entrypoint.type);
  put(e, "command", c.entrypoint.command);
  put(e, "shell-fragment", c.entrypoint.shell_fragment);
  put(e, "services", c.entrypoint.services);
  j["entrypoint"] = std::move(e);
  put(j, "cmd", c.cmd);
  put(j, "stop-signal", c.stop_signal);
  put(j, "work-dir", c.work_dir);
  ojson a = ojson::object();
  put(a, "run-as", c.accounts.run_as);
  if (!c.accounts.users.empty()) {
    ojson users = ojson::array();
    for (const auto& u : c.accounts.users) {
      ojson uj = ojson::object();
      put(uj, "username", u.username);
      if (u.uid) uj["uid"] = u.uid;
      if (u.gid) uj["gid"] = *u.gid;  // a pointer in Go: present when set, even 0
      put(uj, "shell", u.shell);
      put(uj, "homedir", u.homedir);
      users.push_back(std::move(uj));
    }
    a["users"] = std::move(users);
  }
  if (!c.accounts.groups.empty()) {
    ojson groups = ojson::array();
    for (const auto& g : c.accounts.groups) {
      ojson gj = ojson::object();
      put(gj, "groupname", g.groupname);
      if (g.gid) gj["gid"] = g.gid;
      put(gj, "members", g.members);
      groups.push_back(std::move(gj));
    }
    a["groups"] = std::move(groups);
  }
  j["accounts"] = std::move(a);
  put(j, "archs", c.archs);
  put(j, "environment", c.environment);
  if (!c.paths.empty()) {
    ojson paths = ojson::array();
    for (const auto& p : c.paths) {
      ojson pj = ojson::object();
      put(pj, "path", p.path);
      pj["type"] = std::string(config::path_type_name(p.type));
      if (p.uid) pj["uid"] = *p.uid;
      if (p.gid) pj["gid"] = *p.gid;
      if (p.permissions) pj["permissions"] = p.permissions;
      put(pj, "source", p.source);
      if (p.recursive) pj["recursive"] = true;
      paths.push_back(std::move(pj));
    }
    j["paths"] = std::move(paths);
  }
  put(j, "vcs-url", c.vcs_url);
  put(j, "annotations", c.annotations);
  put(j, "include", c.include);
  put(j, "volumes", c.volumes);
  if (c.layering) {
    ojson l = ojson::object();
    put(l, "strategy", c.layering->strategy);
    if (c.layering->budget) l["budget"] = c.layering->budget;
    j["layering"] = std::move(l);
  }
  put(j, "format", c.format);
  if (!c.certificates.additional.empty() || !c.certificates.providers.empty()) {
    ojson cj = ojson::object();
    put(cj, "additional", c.certificates.additional);
    put(cj, "providers", c.certificates.providers);
    j["certificates"] = std::move(cj);
  }
  // Invalid UTF-8 becomes U+FFFD, as Go's encoder does.
  return go_escape(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

base::Status write_apko_json(rootfs::Tree& tree, const std::string& bytes) {
  TRY(tree.mkdir_p("etc", rootfs::Meta{0755, 0, 0, 0, {}}));
  return tree.write_file("etc/apko.json", rootfs::Content::own(bytes), rootfs::Meta{0444, 0, 0, 0, {}});
}

}  // namespace apko
