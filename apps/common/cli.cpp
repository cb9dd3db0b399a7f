#include "common/cli.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <set>

#include "base/interrupt.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "ma_version.hpp"

namespace cli {

namespace {
// An error is one line whatever a hostile input put into it (a file name with a line break),
// except a report its producer marked as a block (base::Error::block).
std::string error_line(const base::Error& e) {
  std::string out;
  for (char c : e.to_string()) {
    if (c == '\n' && !e.block) out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

// The platform in Go's spelling, as `version --json` prints it.
#if defined(__x86_64__)
constexpr const char* kGoArch = "amd64";
#elif defined(__aarch64__)
constexpr const char* kGoArch = "arm64";
#elif defined(__arm__)
constexpr const char* kGoArch = "arm";
#elif defined(__i386__)
constexpr const char* kGoArch = "386";
#elif defined(__powerpc64__)
constexpr const char* kGoArch = "ppc64le";
#elif defined(__s390x__)
constexpr const char* kGoArch = "s390x";
#elif defined(__riscv)
constexpr const char* kGoArch = "riscv64";
#else
constexpr const char* kGoArch = "unknown";
#endif

void collect_flags(const CLI::App& app, std::set<std::string>& out) {
  for (const CLI::Option* opt : app.get_options())
    if (opt->get_expected_max() == 0)
      for (const auto& name : opt->get_lnames()) out.insert("--" + name);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) collect_flags(*sub, out);
}
}  // namespace

std::vector<std::string> join_bool_values(const CLI::App& app, const std::vector<std::string>& args) {
  std::set<std::string> flags;
  collect_flags(app, flags);
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i + 1 < args.size() && (args[i + 1] == "true" || args[i + 1] == "false") && flags.count(args[i])) {
      out.push_back(args[i] + "=" + args[i + 1]);
      ++i;
    } else {
      out.push_back(args[i]);
    }
  }
  return out;
}

int run(const std::string& tool, const std::string& description, const std::vector<Command>& commands, int argc,
        char** argv, const RunOptions& options) {
  base::install_interrupt_handlers();  // first: a Ctrl-C from now on unwinds (base/interrupt.hpp)
  CLI::App app{description, tool};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Log level: trace, debug, info, warn, error, off")
      ->capture_default_str();
  std::string workdir;
  if (options.workdir_flag) app.add_option("-C,--workdir", workdir, "Working directory to change into before the command");
  std::vector<std::function<base::Status()>> handlers(commands.size());
  std::vector<CLI::App*> subs;
  for (size_t i = 0; i < commands.size(); ++i) {
    CLI::App* sub = app.add_subcommand(commands[i].name, commands[i].help);
    handlers[i] = commands[i].setup(*sub);
    subs.push_back(sub);
  }
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    args = join_bool_values(app, args);
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : base::exit_status(base::ErrorCode::kUsage);
  }
  if (auto st = base::setup_logging(log_level); !st) {
    std::fprintf(stderr, "%s: %s\n", tool.c_str(), st.error().to_string().c_str());
    return base::exit_status(st.error().code);
  }
  if (!workdir.empty() && ::chdir(workdir.c_str()) != 0) {
    std::fprintf(stderr, "%s: error: %s: cannot change into the working directory: %s\n", tool.c_str(),
                 base::printable(workdir).c_str(), std::strerror(errno));
    return base::exit_status(base::ErrorCode::kUsage);
  }
  try {
    for (size_t i = 0; i < subs.size(); ++i) {
      if (!subs[i]->parsed()) continue;
      base::Status st = handlers[i]();
      base::progress_done();
      if (!st) {
        std::fprintf(stderr, "%s: error: %s\n", tool.c_str(), error_line(st.error()).c_str());
        return base::exit_status(st.error().code);
      }
      return 0;
    }
  } catch (const std::exception& e) {
    base::progress_done();
    std::fprintf(stderr, "%s: internal error: %s\n", tool.c_str(), e.what());
    return base::exit_status(base::ErrorCode::kInternal);
  }
  return base::exit_status(base::ErrorCode::kUsage);
}

Command version_command(const std::string& tool) {
  return Command{"version", "Print the version and the git commit this binary was built from",
                 [tool](CLI::App& sub) {
                   auto json = std::make_shared<bool>(false);
                   sub.add_flag("--json", *json, "Print the version as JSON (the keys the original tools print)");
                   return [tool, json]() -> base::Status {
                     if (!*json) {
                       std::printf("%s %s (commit %s)\n", tool.c_str(), MA_VERSION, MA_GIT_COMMIT);
                       return {};
                     }
                     std::string commit = MA_GIT_COMMIT;
                     const bool dirty = commit.size() > 6 && commit.compare(commit.size() - 6, 6, "-dirty") == 0;
                     if (dirty) commit.resize(commit.size() - 6);
                     const std::string arch = kGoArch;
                     std::printf("{\n  \"gitVersion\": \"%s\",\n  \"gitCommit\": \"%s\",\n  \"gitTreeState\": \"%s\",\n"
                                 "  \"buildDate\": \"unknown\",\n  \"compiler\": \"%s\",\n  \"platform\": \"linux/%s\"\n}\n",
                                 MA_VERSION, commit.c_str(), dirty ? "dirty" : "clean", "gcc", arch.c_str());
                     return {};
                   };
                 }};
}

}  // namespace cli
