#include "apko/dot.hpp"

#include <map>
#include <set>

#include "apk/dependency.hpp"

namespace apko {
namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string resolution_dot(const Plan& plan, size_t arch_index, const std::string& title) {
  const ArchPlan& a = plan.archs[arch_index];
  const solver::Universe& u = a.repos->universe();
  std::map<std::string, std::string> provider;  // name or provided name -> nevr
  for (size_t id : a.packages) {
    const auto& info = u.package(id);
    provider.emplace(info.name, info.nevr());
    for (const auto& p : info.provides) provider.emplace(apk::parse_provide(p).name, info.nevr());
  }
  std::set<std::string> nodes, edges;
  auto edge_to = [&](const std::string& from, const std::string& dep_text) {
    auto d = apk::parse_dependency(dep_text);
    if (!d || d->conflict) return;
    auto it = provider.find(d->name);
    if (it == provider.end()) return;
    std::string e = "  " + quote(from) + " -> " + quote(it->second);
    if (it->second.compare(0, d->name.size() + 1, d->name + "-") != 0) e += " [label=" + quote(d->name) + "]";
    edges.insert(e + ";");
  };
  for (const auto& w : plan.world) edge_to("world", w);
  for (size_t id : a.packages) {
    const auto& info = u.package(id);
    nodes.insert(info.nevr());
    for (const auto& d : info.depends) edge_to(info.nevr(), d);
  }
  std::string out = "digraph " + quote(title + " (" + a.arch.apk + ")") + " {\n  rankdir=LR;\n  \"world\" [shape=box];\n";
  for (const auto& n : nodes) out += "  " + quote(n) + ";\n";
  for (const auto& e : edges) out += e + "\n";
  return out + "}\n";
}

}  // namespace apko
