// Test helper: reads the data-driven solver suites of tests/solver/ (repositories.txt and
// cases.txt; format in tests/solver/apk-tools/README.md) and runs one case through solve().
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "apk/dependency.hpp"
#include "solver/solver.hpp"

namespace solver::testing {

struct SuiteCase {
  std::string name, mirrors, not_modelled, differs, known_gap;
  std::vector<std::string> repos, world, expect, apk_result;
  bool has_world = false;
  int line = 0;
};

struct SuiteData {
  std::map<std::string, std::vector<apk::PackageInfo>> repositories;
  std::vector<SuiteCase> cases;
  std::string error;  // a malformed file: the first problem, with file and line

  const SuiteCase* find(const std::string& name) const {
    for (const auto& c : cases)
      if (c.name == name) return &c;
    return nullptr;
  }
};

inline std::vector<std::string> suite_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

inline std::vector<std::string> suite_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Lines without their "#" comment and trailing blanks.
inline std::vector<std::string> suite_lines(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot read";
    return {};
  }
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) {
    if (auto h = l.find('#'); h != std::string::npos) l.erase(h);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.pop_back();
    out.push_back(l);
  }
  return out;
}

inline SuiteData load_suite(const std::string& dir) {
  SuiteData d;
  std::string repo_path = dir + "/repositories.txt";
  auto lines = suite_lines(repo_path, d.error);
  std::string current;
  for (size_t i = 0; i < lines.size() && d.error.empty(); ++i) {
    auto w = suite_words(lines[i]);
    if (w.empty()) continue;
    const std::string where = repo_path + ":" + std::to_string(i + 1) + ": ";
    if (w[0] == "repository") {
      if (w.size() != 2) d.error = where + "want: repository NAME";
      current = w.size() > 1 ? w[1] : "";
      d.repositories[current];
      continue;
    }
    if (current.empty() || w.size() < 2) {
      d.error = where + "want: NAME VERSION [key=value...] inside a repository";
      break;
    }
    apk::PackageInfo p;
    p.name = w[0];
    p.version = w[1];
    p.arch = "x86_64";
    p.installed_size = 1;
    // Every line is its own package, like a distinct C: in apk-tools' files, unless lines
    // share a checksum=NAME; the same repository under two tags serves the same checksums.
    p.checksum = "test:" + current + "/" + p.nevr();
    for (size_t k = 2; k < w.size(); ++k) {
      auto eq = w[k].find('=');
      if (eq == std::string::npos) {
        d.error = where + "want key=value, got " + w[k];
        break;
      }
      std::string key = w[k].substr(0, eq), val = w[k].substr(eq + 1);
      if (key == "depends") p.depends = suite_list(val);
      else if (key == "provides") p.provides = suite_list(val);
      else if (key == "install-if") p.install_if = suite_list(val);
      else if (key == "priority") p.provider_priority = std::stoll(val);
      else if (key == "origin") p.origin = val;
      else if (key == "checksum") p.checksum = "test:" + val;
      else d.error = where + "unknown key " + key;
    }
    d.repositories[current].push_back(std::move(p));
  }
  if (!d.error.empty()) return d;

  std::string case_path = dir + "/cases.txt";
  lines = suite_lines(case_path, d.error);
  for (size_t i = 0; i < lines.size() && d.error.empty(); ++i) {
    const std::string& l = lines[i];
    auto w = suite_words(l);
    if (w.empty()) continue;
    const std::string where = case_path + ":" + std::to_string(i + 1) + ": ";
    std::string rest;  // the line after its key
    if (auto key_end = l.find(w[0]) + w[0].size(), b = l.find_first_not_of(' ', key_end); b != std::string::npos)
      rest = l.substr(b);
    if (w[0] == "case") {
      if (w.size() != 2) d.error = where + "want: case NAME";
      SuiteCase c;
      c.name = w.size() > 1 ? w[1] : "";
      c.line = static_cast<int>(i + 1);
      d.cases.push_back(std::move(c));
      continue;
    }
    if (d.cases.empty()) {
      d.error = where + "key before the first case";
      break;
    }
    SuiteCase& c = d.cases.back();
    const std::string& key = w[0];
    std::vector<std::string> rw(w.begin() + 1, w.end());
    if (key == "mirrors" || key == "about") c.mirrors = rest;
    else if (key == "apk-args" || key == "installed") continue;
    else if (key == "repos") c.repos = rw;
    else if (key == "world") { c.world = rw; c.has_world = true; }
    else if (key == "expect") c.expect = rw;
    else if (key == "apk-result") c.apk_result = rw;
    else if (key == "differs") c.differs = rest;
    else if (key == "known-gap") c.known_gap = rest;
    else if (key == "not-modelled") c.not_modelled = rest;
    else d.error = where + "unknown key " + key;
  }
  for (const auto& c : d.cases) {
    if (!d.error.empty()) break;
    const std::string where = case_path + ":" + std::to_string(c.line) + ": case " + c.name + ": ";
    if (!c.not_modelled.empty()) continue;
    if (!c.has_world) d.error = where + "no world";
    for (const auto& r : c.repos) {
      auto colon = r.find(':');
      if (!d.repositories.count(colon == std::string::npos ? r : r.substr(colon + 1)))
        d.error = where + "unknown repository " + r;
    }
  }
  return d;
}

// True when the case expects what apk-tools answered (same set, or both an error).
inline bool expect_matches_apk(const SuiteCase& c) {
  const bool e_err = !c.expect.empty() && (c.expect[0] == "error" || c.expect[0] == "invalid-world");
  const bool a_err = !c.apk_result.empty() && c.apk_result[0] == "error";
  if (e_err || a_err) return e_err == a_err;
  auto a = c.expect, b = c.apk_result;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

struct CaseOutcome {
  bool ok = false;
  std::string detail;       // what we got, when it differs
  std::string setup_error;  // the case could not be set up
  std::string got;          // sorted install set or "error: <message>"
};

inline CaseOutcome run_case(const SuiteData& d, const SuiteCase& c) {
  CaseOutcome out;
  if (!c.expect.empty() && c.expect[0] == "invalid-world") {
    for (size_t i = 1; i < c.expect.size(); ++i) {
      auto r = apk::parse_dependency(c.expect[i]);
      if (r) {
        out.detail = "\"" + c.expect[i] + "\" parses as a dependency";
        return out;
      }
    }
    out.ok = true;
    return out;
  }
  Universe u;
  for (const auto& spec : c.repos) {
    auto colon = spec.find(':');
    std::string tag = colon == std::string::npos ? "" : spec.substr(0, colon);
    std::string name = colon == std::string::npos ? spec : spec.substr(colon + 1);
    size_t repo = u.add_repository(Repository{tag, 0, name});
    for (const auto& p : d.repositories.at(name)) {
      auto r = u.add(p, repo);
      if (!r) {
        out.setup_error = r.error().message;
        return out;
      }
    }
  }
  std::vector<apk::Dependency> world;
  for (const auto& w : c.world) {
    auto dep = apk::parse_dependency(w);
    if (!dep) {
      out.setup_error = "world entry " + w + ": " + dep.error().message;
      return out;
    }
    world.push_back(*dep);
  }
  auto r = solve(u, world);
  if (!r) {
    out.got = "error: " + r.error().message;
    if (c.expect.empty() || c.expect[0] != "error") {
      out.detail = "expected " + (c.expect.empty() ? std::string("nothing") : "an install set") + ", got " + out.got;
      return out;
    }
    for (size_t i = 1; i < c.expect.size(); ++i) {
      if (r.error().message.find(c.expect[i]) == std::string::npos) {
        out.detail = "the error does not name \"" + c.expect[i] + "\": " + r.error().message;
        return out;
      }
    }
    out.ok = true;
    return out;
  }
  std::vector<std::string> got;
  for (size_t id : r->packages) got.push_back(u.package(id).nevr());
  std::sort(got.begin(), got.end());
  for (const auto& g : got) out.got += (out.got.empty() ? "" : " ") + g;
  if (!c.expect.empty() && c.expect[0] == "error") {
    out.detail = "expected an error, got " + out.got;
    return out;
  }
  auto want = c.expect;
  std::sort(want.begin(), want.end());
  if (want != got) {
    std::string w;
    for (const auto& x : want) w += (w.empty() ? "" : " ") + x;
    out.detail = "expected {" + w + "}, got {" + out.got + "}";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace solver::testing
