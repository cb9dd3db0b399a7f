// melange's `${{ name }}` template substitution and var-transforms.
//
// A reference is "${{", optional whitespace, a name of [A-Za-z0-9._-]+, optional whitespace,
// "}}" (melange's cond.Subst grammar). substitute() fails on an undefined name (melange's
// compile phase, for pipeline steps); substitute_known() leaves undefined references
// untouched. "${{" that does not start a well-formed reference is an error in both.
// substitute_lenient() is how melange fills descriptions, names and other package fields (a
// strings.Replacer over the known references): only well-formed references to defined names
// are replaced, everything else ("${{range.key == ...", "${{package.name} ") stays verbatim.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace config {

using VarLookup = std::function<std::optional<std::string>(std::string_view name)>;

base::Result<std::string> substitute(std::string_view text, const std::map<std::string, std::string>& vars);
base::Result<std::string> substitute(std::string_view text, const VarLookup& lookup);
base::Result<std::string> substitute_known(std::string_view text, const std::map<std::string, std::string>& vars);
std::string substitute_lenient(std::string_view text, const VarLookup& lookup);

// The reference starting at text[pos] (which must be "${{"): the name and the offset just past
// its "}}". A malformed reference is the error substitute() reports for it.
struct VarReference {
  std::string_view name;
  size_t end = 0;
};
base::Result<VarReference> parse_reference(std::string_view text, size_t pos);

// One `var-transforms` entry.
struct VarTransform {
  std::string from;     // template, e.g. "${{package.version}}"
  std::string match;    // Go (RE2) regular expression
  std::string replace;  // Go replacement template: $1, ${1}, $name, ${name}, $$
  std::string to;       // creates vars.<to>
  int line = 0;
};

// For each transform in order: substitutes `from` (undefined names are errors), replaces
// every match of `match` with `replace` and stores the result as vars["vars.<to>"], so later
// transforms can use earlier results.
base::Status apply_var_transforms(const std::vector<VarTransform>& transforms,
                                  std::map<std::string, std::string>& vars);

// Go regexp.ReplaceAllString semantics over std::regex (ECMAScript). The pattern is converted
// from RE2 where the syntaxes differ: (?P<name>...) groups, a leading (?i) flag, \A and \z.
base::Result<std::string> regex_replace_all(std::string_view input, std::string_view pattern,
                                            std::string_view replacement);

}  // namespace config
