#include "apko/lock.hpp"

#include <nlohmann/json.hpp>

#include "base/hash.hpp"
#include "fetch/url.hpp"
#include "repo/keyring_loader.hpp"
#include "repo/repo_spec.hpp"

namespace apko {
namespace {

using Json = nlohmann::ordered_json;

std::string without_scheme(std::string_view url) {
  auto p = url.find("://");
  return std::string(p == std::string_view::npos ? url : url.substr(p + 3));
}

std::string range(size_t off, size_t len) {
  return "bytes=" + std::to_string(off) + "-" + std::to_string(off + len - 1);
}

std::string b64(base::HashAlgo a, std::string_view d) { return base::base64_encode(base::digest(a, d)); }

base::Result<std::vector<LockRepo>> repo_entries(const std::vector<std::string>& repos, const Plan& plan) {
  std::vector<LockRepo> out;
  for (const auto& a : plan.archs)
    for (const auto& r : repos) {
      TRY_ASSIGN(repo::RepoSpec s, repo::RepoSpec::parse(r));
      std::string url = fetch::redact(s.url);
      out.push_back({url + "/" + a.arch.apk, url + "/" + a.arch.apk + "/APKINDEX.tar.gz", a.arch.apk});
    }
  return out;
}

Json range_json(const LockRange& r) { return Json{{"range", r.range}, {"checksum", r.checksum}}; }

Json repos_json(const std::vector<LockRepo>& v) {
  Json a = Json::array();
  for (const auto& r : v) a.push_back(Json{{"name", r.name}, {"url", r.url}, {"architecture", r.architecture}});
  return a;
}

}  // namespace

base::Result<LockFile> make_lock(const Plan& plan, const std::string& config_name) {
  LockFile lock;
  lock.config_name = config_name;
  lock.config_checksum = plan.config.checksum;
  for (const auto& src : plan.keyring_sources) {
    const apk::PublicKey* key = plan.keyring ? plan.keyring->find(repo::key_name_for_source(src)) : nullptr;
    lock.keyring.push_back({without_scheme(fetch::redact(src)), fetch::redact(src), key ? key->pem() : ""});
  }
  std::sort(lock.keyring.begin(), lock.keyring.end(), [](const LockKey& a, const LockKey& b) { return a.name < b.name; });
  TRY_ASSIGN(lock.build_repositories, repo_entries(plan.lock_build_repositories, plan));
  TRY_ASSIGN(lock.runtime_repositories, repo_entries(plan.lock_runtime_repositories, plan));
  TRY_ASSIGN(lock.repositories, repo_entries(plan.lock_repositories, plan));
  for (const auto& a : plan.archs) {
    for (size_t id : a.packages) {
      TRY_ASSIGN(apk::Package pkg, a.repos->fetch_package(id));
      LockedPackage lp;
      lp.name = pkg.info().name;
      lp.version = pkg.info().version;
      lp.architecture = a.arch.apk;
      lp.url = fetch::redact(a.repos->package_url(id));
      std::string_view all = pkg.bytes(), ctl = pkg.control_member(), data = pkg.data_member();
      size_t ctl_off = static_cast<size_t>(ctl.data() - all.data());
      size_t data_off = static_cast<size_t>(data.data() - all.data());
      if (ctl_off > 0) lp.signature = {range(0, ctl_off), "sha1-" + b64(base::HashAlgo::kSha1, all.substr(0, ctl_off))};
      lp.control = {range(ctl_off, ctl.size()), "sha1-" + b64(base::HashAlgo::kSha1, ctl)};
      lp.data = {range(data_off, data.size()), "sha256-" + b64(base::HashAlgo::kSha256, data)};
      lp.checksum = pkg.info().checksum;
      lock.packages.push_back(std::move(lp));
    }
  }
  return lock;
}

std::string lock_to_json(const LockFile& lock) {
  Json keys = Json::array();
  for (const auto& k : lock.keyring) keys.push_back(Json{{"name", k.name}, {"url", k.url}, {"content", k.content}});
  Json pkgs = Json::array();
  for (const auto& p : lock.packages) {
    Json j{{"name", p.name}, {"url", p.url}, {"version", p.version}, {"architecture", p.architecture}};
    if (!p.signature.range.empty()) j["signature"] = range_json(p.signature);
    j["control"] = range_json(p.control);
    j["data"] = range_json(p.data);
    j["checksum"] = p.checksum;
    pkgs.push_back(std::move(j));
  }
  Json doc{{"version", lock.version},
           {"config", Json{{"name", lock.config_name}, {"checksum", lock.config_checksum}}},
           {"contents", Json{{"keyring", keys},
                             {"build_repositories", repos_json(lock.build_repositories)},
                             {"runtime_repositories", repos_json(lock.runtime_repositories)},
                             {"repositories", repos_json(lock.repositories)},
                             {"packages", pkgs}}}};
  return doc.dump(2) + "\n";
}

base::Result<LockFile> parse_lock(std::string_view text, std::string_view file) {
  const std::string f(file);
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return base::fail(base::ErrorCode::kFormat, f + ": not a JSON object");
  auto str = [](const Json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  LockFile lock;
  lock.version = str(j, "version");
  if (lock.version != "v1")
    return base::fail(base::ErrorCode::kFormat, f + ": unsupported lock file version '" + lock.version + "'");
  if (auto c = j.find("config"); c != j.end() && c->is_object()) {
    lock.config_name = str(*c, "name");
    lock.config_checksum = str(*c, "checksum");
  }
  auto contents = j.find("contents");
  if (contents == j.end() || !contents->is_object()) return base::fail(base::ErrorCode::kFormat, f + ": no contents");
  auto list = [&](const char* k) -> Json {
    auto it = contents->find(k);
    return it != contents->end() && it->is_array() ? *it : Json::array();
  };
  for (const auto& k : list("keyring")) lock.keyring.push_back({str(k, "name"), str(k, "url"), str(k, "content")});
  for (const char* which : {"build_repositories", "runtime_repositories", "repositories"}) {
    auto& out = std::string(which) == "repositories"           ? lock.repositories
                : std::string(which) == "build_repositories" ? lock.build_repositories
                                                              : lock.runtime_repositories;
    for (const auto& r : list(which)) out.push_back({str(r, "name"), str(r, "url"), str(r, "architecture")});
  }
  size_t i = 0;
  for (const auto& p : list("packages")) {
    LockedPackage lp{str(p, "name"), str(p, "url"), str(p, "version"), str(p, "architecture"), {}, {}, {}, str(p, "checksum")};
    auto rng = [&](const char* k) {
      auto it = p.find(k);
      return it != p.end() && it->is_object() ? LockRange{str(*it, "range"), str(*it, "checksum")} : LockRange{};
    };
    lp.signature = rng("signature");
    lp.control = rng("control");
    lp.data = rng("data");
    if (lp.name.empty() || lp.version.empty() || lp.architecture.empty() || lp.checksum.empty())
      return base::fail(base::ErrorCode::kFormat,
                        f + ": packages[" + std::to_string(i) + "] lacks name, version, architecture or checksum");
    lock.packages.push_back(std::move(lp));
    ++i;
  }
  return lock;
}

base::Status apply_lock(Plan& plan, const LockFile& lock, std::string_view file) {
  const std::string f(file);
  if (lock.config_checksum != plan.config.checksum)
    return base::fail(base::ErrorCode::kInvalidInput,
                      f + ": config checksum " + lock.config_checksum + " does not match " + plan.config.source_file +
                          " (" + plan.config.checksum + ")",
                      "the config changed since the lock was made; run `apko lock` again");
  for (auto& a : plan.archs) {
    const solver::Universe& u = a.repos->universe();
    a.packages.clear();
    for (const auto& lp : lock.packages) {
      if (lp.architecture != a.arch.apk) continue;
      size_t found = SIZE_MAX;
      bool name_version_seen = false;
      for (size_t id = 0; id < u.size() && found == SIZE_MAX; ++id) {
        const auto& info = u.package(id);
        if (info.name != lp.name || info.version != lp.version) continue;
        name_version_seen = true;
        if (info.checksum == lp.checksum) found = id;
      }
      if (found == SIZE_MAX)
        return base::fail(name_version_seen ? base::ErrorCode::kSignature : base::ErrorCode::kNotFound,
                          f + ": locked " + lp.name + "-" + lp.version + " (" + lp.architecture + ") " +
                              (name_version_seen ? "has checksum " + lp.checksum + " but the repository's differs"
                                                 : "is not in the repositories"));
      a.packages.push_back(found);
    }
    if (a.packages.empty())
      return base::fail(base::ErrorCode::kNotFound, f + ": no locked packages for architecture " + a.arch.apk);
  }
  return base::ok();
}

}  // namespace apko
