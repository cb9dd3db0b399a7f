// melange `if:` conditions and `${{...}}` substitution over a fixed set of variables.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "config/cond.hpp"
#include "config/subst.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::map<std::string, std::string> vars = {
      {"package.name", "hello"}, {"package.version", "2.10"}, {"targets.destdir", "/home/build/melange-out/hello"},
      {"build.arch", "x86_64"},  {"vars.empty", ""},          {"inputs.opts", "$(touch /tmp/x)"}};
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)config::evaluate_condition(in, vars);
  (void)config::substitute(in, vars);
  (void)config::substitute_known(in, vars);
  (void)config::substitute_lenient(in, [](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
  return 0;
}
