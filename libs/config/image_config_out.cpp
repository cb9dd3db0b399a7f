// Serialisation of ImageConfig: JSON with apko's field names, and YAML for show-config.
#include "config/image_config.hpp"
#include "config/json_put.hpp"

namespace config {

using ojson = nlohmann::ordered_json;

std::string redact_url(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t host_start = scheme + 3;
  size_t path = url.find_first_of("/?#", host_start);
  std::string_view authority = url.substr(host_start, path == std::string_view::npos ? url.npos : path - host_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, host_start + colon + 1));
  out += "xxxxx";
  out += url.substr(host_start + at);
  return out;
}

using json_put::put;

static void put(ojson& j, const char* key, const std::vector<NamedContent>& v) {  // runtime_keyring, certificates
  if (v.empty()) return;
  ojson a = ojson::array();
  for (const auto& nc : v) a.push_back(ojson{{"name", nc.name}, {"content", nc.content}});
  j[key] = std::move(a);
}

nlohmann::ordered_json to_json(const ImageConfig& c) {
  ojson j = ojson::object();
  ojson contents = ojson::object();
  put(contents, "repositories", c.contents.repositories);
  put(contents, "build_repositories", c.contents.build_repositories);
  put(contents, "runtime_repositories", c.contents.runtime_repositories);
  put(contents, "keyring", c.contents.keyring);
  put(contents, "runtime_keyring", c.contents.runtime_keyring);
  put(contents, "packages", c.contents.packages);
  if (c.contents.baseimage) {
    ojson b = ojson::object();
    put(b, "image", c.contents.baseimage->image);
    put(b, "apkindex", c.contents.baseimage->apkindex);
    contents["baseimage"] = std::move(b);
  }
  if (!contents.empty()) j["contents"] = std::move(contents);
  if (!c.entrypoint.empty()) {
    ojson e = ojson::object();
    put(e, "type", c.entrypoint.type);
    put(e, "command", c.entrypoint.command);
    put(e, "shell-fragment", c.entrypoint.shell_fragment);
    put(e, "services", c.entrypoint.services);
    j["entrypoint"] = std::move(e);
  }
  put(j, "cmd", c.cmd);
  put(j, "stop-signal", c.stop_signal);
  put(j, "work-dir", c.work_dir);
  if (!c.accounts.empty()) {
    ojson a = ojson::object();
    put(a, "run-as", c.accounts.run_as);
    if (!c.accounts.users.empty()) {
      ojson users = ojson::array();
      for (const auto& u : c.accounts.users) {
        ojson uj = ojson::object();
        put(uj, "username", u.username);
        uj["uid"] = u.uid;
        if (u.gid) uj["gid"] = *u.gid;
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
        gj["gid"] = g.gid;
        put(gj, "members", g.members);
        groups.push_back(std::move(gj));
      }
      a["groups"] = std::move(groups);
    }
    j["accounts"] = std::move(a);
  }
  put(j, "archs", c.archs);
  put(j, "environment", c.environment);
  if (!c.paths.empty()) {
    ojson paths = ojson::array();
    for (const auto& p : c.paths) {
      ojson pj = ojson::object();
      pj["path"] = p.path;
      pj["type"] = std::string(path_type_name(p.type));
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
  if (!c.certificates.additional.empty() || !c.certificates.providers.empty()) {
    ojson cj = ojson::object();
    put(cj, "additional", c.certificates.additional);
    put(cj, "providers", c.certificates.providers);
    j["certificates"] = std::move(cj);
  }
  put(j, "format", c.format);
  return j;
}

std::string to_yaml(const ImageConfig& config) {
  ImageConfig c = config;
  for (auto* list : {&c.contents.repositories, &c.contents.build_repositories, &c.contents.runtime_repositories,
                     &c.contents.keyring})
    for (auto& s : *list) s = redact_url(s);
  return json_to_yaml(to_json(c));
}

}  // namespace config
