#include "melange/bump.hpp"

#include "base/fs.hpp"
#include "base/hash.hpp"
#include "base/strings.hpp"
#include "config/build_config.hpp"
#include "melange/compile.hpp"

namespace melange {

namespace {

using base::Result;

size_t indent_of(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

bool blank_or_comment(std::string_view line) {
  std::string_view t = base::trim(line);
  return t.empty() || t.front() == '#';
}

// If `line` is "<indent>[- ]key: value [# comment]", replaces value (keeping its quote style).
bool replace_value(std::string& line, std::string_view key, const std::string& value) {
  size_t i = indent_of(line);
  if (line.compare(i, 2, "- ") == 0) i = indent_of(std::string_view(line).substr(i + 2)) + i + 2;
  if (line.compare(i, key.size(), key) != 0 || line.compare(i + key.size(), 1, ":") != 0) return false;
  size_t v = i + key.size() + 1;
  while (v < line.size() && line[v] == ' ') ++v;
  size_t end = v;
  std::string q;
  if (v < line.size() && (line[v] == '"' || line[v] == '\'')) {
    q = std::string(1, line[v]);
    end = line.find(line[v], v + 1);
    end = end == std::string::npos ? line.size() : end + 1;
  } else {
    size_t c = line.find(" #", v);
    end = c == std::string::npos ? line.size() : c;
    while (end > v && line[end - 1] == ' ') --end;
  }
  std::string prefix = line.substr(0, v);
  if (prefix.back() == ':') prefix += ' ';
  line = prefix + q + value + q + line.substr(end);
  return true;
}

struct Lines {
  std::vector<std::string> lines;
  bool trailing_newline = false;
  explicit Lines(std::string_view text) {
    for (auto l : base::split(text, '\n')) lines.emplace_back(l);
    trailing_newline = !lines.empty() && lines.back().empty();
    if (trailing_newline) lines.pop_back();
  }
  std::string str() const {
    std::string out = base::join(lines, "\n");
    if (trailing_newline) out += '\n';
    return out;
  }
  // Lines [first+1, end) belonging to the block that starts on line `first` (0-based).
  size_t block_end(size_t first) const {
    size_t base_indent = indent_of(lines[first]);
    size_t i = first + 1;
    for (; i < lines.size(); ++i) {
      if (blank_or_comment(lines[i])) continue;
      if (indent_of(lines[i]) <= base_indent) break;
    }
    return i;
  }
  // Replaces `key` within the block starting at 1-based `line`; false when absent.
  bool replace_in_block(int line, std::string_view key, const std::string& value) {
    if (line <= 0 || static_cast<size_t>(line) > lines.size()) return false;
    size_t first = static_cast<size_t>(line - 1);
    size_t end = block_end(first);
    for (size_t i = first; i < end; ++i)
      if (replace_value(lines[i], key, value)) return true;
    return false;
  }
};

base::Error bump_error(std::string_view file, std::string msg) {
  return base::Error{base::ErrorCode::kInvalidInput, std::string(file) + ": " + msg};
}

}  // namespace

Result<std::string> bump_config_text(std::string_view yaml, std::string_view filename, const BumpOptions& opts,
                                     fetch::Client& client) {
  TRY_ASSIGN(config::BuildConfig cfg, config::parse_build_config(yaml, filename));
  if (base::trim(opts.version).empty()) return tl::unexpected(bump_error(filename, "the new version is empty"));
  unsigned long long epoch = cfg.package.version == opts.version ? cfg.package.epoch + 1 : 0;
  Lines text(yaml);

  // package.version / package.epoch: direct children of the top-level `package:` key.
  size_t pkg = text.lines.size();
  for (size_t i = 0; i < text.lines.size(); ++i)
    if (text.lines[i].rfind("package:", 0) == 0) pkg = i;
  if (pkg == text.lines.size()) return tl::unexpected(bump_error(filename, "no top-level \"package:\" line"));
  size_t end = text.block_end(pkg);
  size_t child_indent = 0, version_line = 0;
  bool have_version = false, have_epoch = false;
  for (size_t i = pkg + 1; i < end; ++i) {
    if (blank_or_comment(text.lines[i])) continue;
    if (child_indent == 0) child_indent = indent_of(text.lines[i]);
    if (indent_of(text.lines[i]) != child_indent) continue;
    if (!have_version && replace_value(text.lines[i], "version", opts.version)) {
      have_version = true;
      version_line = i;
    } else if (!have_epoch && replace_value(text.lines[i], "epoch", std::to_string(epoch))) {
      have_epoch = true;
    }
  }
  if (!have_version) return tl::unexpected(bump_error(filename, "cannot find package.version to edit"));
  if (!have_epoch)
    text.lines.insert(text.lines.begin() + static_cast<long>(version_line) + 1,
                      std::string(child_indent, ' ') + "epoch: " + std::to_string(epoch));

  // Checksums and commits: the compiled sources give each fetch's uri with the new version.
  config::BuildConfig bumped = cfg;
  bumped.package.version = opts.version;
  bumped.package.epoch = epoch;
  TRY_ASSIGN(CompiledBuild build, compile(bumped, CompileOptions{}));
  int shift = have_epoch ? 0 : 1;  // the inserted epoch line moves later lines down
  for (const auto& src : build.sources) {
    int line = src.location.line + (src.location.line > static_cast<int>(version_line) + 1 ? shift : 0);
    if (src.location.file != cfg.source_file) continue;
    if (src.kind == "fetch") {
      if (src.sha256.empty() && src.sha512.empty()) continue;  // expected-none
      auto body = client.get(src.uri);
      if (!body) return tl::unexpected(std::move(body).error().context(std::string(filename) + ": bump"));
      bool ok = src.sha512.empty() ? text.replace_in_block(line, "expected-sha256", base::sha256_hex(*body))
                                   : text.replace_in_block(line, "expected-sha512", base::sha512_hex(*body));
      if (!ok)
        return tl::unexpected(bump_error(filename, "line " + std::to_string(src.location.line) +
                                                       ": cannot find the fetch checksum to edit"));
    } else if (src.kind == "git-checkout" && !opts.expected_commit.empty()) {
      if (!text.replace_in_block(line, "expected-commit", opts.expected_commit))
        return tl::unexpected(bump_error(filename, "line " + std::to_string(src.location.line) +
                                                       ": git-checkout has no expected-commit to edit"));
    }
  }
  std::string out = text.str();
  auto check = config::parse_build_config(out, filename);  // never write a file we cannot read back
  if (!check) return tl::unexpected(std::move(check).error().context("bump produced invalid YAML"));
  return out;
}

base::Status bump_config_file(const std::filesystem::path& file, const BumpOptions& options, fetch::Client& client) {
  TRY_ASSIGN(std::string text, base::read_file(file));
  TRY_ASSIGN(std::string out, bump_config_text(text, file.string(), options, client));
  return base::write_file_atomic(file, out, 0644);
}

}  // namespace melange
