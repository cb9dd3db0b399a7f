// melange query CONFIG TEMPLATE: Go-template field paths such as {{.Package.Name}}.
#include <cstdio>

#include "base/strings.hpp"
#include "config/build_config.hpp"
#include "melange/commands.hpp"

namespace melange_app {

using base::Status;

namespace {

base::Result<std::string> field(const config::BuildConfig& c, std::string_view path) {
  const auto& p = c.package;
  if (path == ".Package.Name") return p.name;
  if (path == ".Package.Version") return p.version;
  if (path == ".Package.Epoch") return std::to_string(p.epoch);
  if (path == ".Package.Description") return p.description;
  if (path == ".Package.URL") return p.url;
  if (path == ".Package.Commit") return p.commit;
  return base::fail(base::ErrorCode::kUsage, "query: unknown field \"" + std::string(path) + "\"",
                    "supported: .Package.Name, .Package.Version, .Package.Epoch, .Package.Description, "
                    ".Package.URL, .Package.Commit");
}

base::Result<std::string> render(const config::BuildConfig& c, std::string_view tmpl) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find("{{", i);
    if (open == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos)
      return base::fail(base::ErrorCode::kUsage, "query: unclosed \"{{\" in template");
    TRY_ASSIGN(std::string v, field(c, base::trim(tmpl.substr(open + 2, close - open - 2))));
    out += v;
    i = close + 2;
  }
  return out;
}

}  // namespace

cli::Command query_command() {
  return {"query", "Print fields of a melange configuration through a template like {{.Package.Name}}",
          [](CLI::App& sub) {
            auto file = std::make_shared<std::string>();
            auto tmpl = std::make_shared<std::string>();
            sub.add_option("config", *file, "The melange YAML file")->required();
            sub.add_option("template", *tmpl, "Template, e.g. '{{.Package.Name}}-{{.Package.Version}}'")->required();
            return [file, tmpl]() -> Status {
              TRY_ASSIGN(auto cfg, config::load_build_config(*file));
              TRY_ASSIGN(std::string out, render(cfg, *tmpl));
              std::printf("%s\n", out.c_str());
              return {};
            };
          }};
}

}  // namespace melange_app
