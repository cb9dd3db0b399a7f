// melange index: build an APKINDEX.tar.gz from .apk files, incrementally.
#include <spdlog/spdlog.h>

#include "apk/arch.hpp"
#include "apk/repo_index.hpp"
#include "base/log.hpp"
#include "melange/commands.hpp"

namespace melange_app {

cli::Command index_command() {
  return {"index", "Create or update a repository index (APKINDEX.tar.gz) from apk packages", [](CLI::App& sub) {
            struct Opts {
              std::string output = "APKINDEX.tar.gz";
              std::string source, arch, key, description;
              bool merge = false;
              std::vector<std::string> packages;
            };
            auto o = std::make_shared<Opts>();
            sub.add_option("-o,--output", o->output, "Index file to write")->capture_default_str();
            sub.add_option("-s,--source", o->source, "Previous index to start from (default: the output, if it exists)");
            sub.add_option("-a,--arch", o->arch, "Index only packages of this architecture");
            sub.add_flag("-m,--merge", o->merge, "Keep the source index's entries for packages not given");
            sub.add_option("--signing-key", o->key, "Private key to sign the index with");
            sub.add_option("--description", o->description, "DESCRIPTION of the index");
            sub.add_option("packages", o->packages, "The .apk files to index")->required();
            return [o]() -> base::Status {
              apk::IndexUpdate u;
              u.key_file = o->key;
              u.packages.assign(o->packages.begin(), o->packages.end());
              u.output = o->output;
              if (!o->source.empty()) u.source = o->source;
              u.merge = o->merge;
              u.description = o->description;
              if (!o->arch.empty()) {
                TRY_ASSIGN(apk::Arch a, apk::parse_arch(o->arch));
                u.arch = a.apk;
              }
              base::PhaseLine line;
              if (line.live())
                u.progress = [&line](size_t done, size_t total, size_t read) {
                  line.update("index: " + std::to_string(done) + "/" + std::to_string(total) + " packages, " +
                              std::to_string(read) + " read, " + std::to_string(done - read) + " unchanged");
                };
              auto updated = apk::update_index(u);
              line.clear();
              TRY_ASSIGN(apk::IndexUpdateStats st, std::move(updated));
              spdlog::info("wrote {}: {} packages ({} read, {} unchanged, {} kept from source)", o->output, st.total,
                           st.read, st.reused, st.kept);
              return {};
            };
          }};
}

}  // namespace melange_app
