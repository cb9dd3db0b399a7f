// apk package versions: validation, ordering and constraint matching.
//
// Grammar (Gentoo-style, as apk-tools 2.x reads it):
//   digits {"." digits} [letter] {"_" suffix [digits]} ["-r" digits]
// where suffix is one of alpha, beta, pre, rc (sort BEFORE the plain release) or
// cvs, svn, git, hg, p (sort AFTER it). A component after "." that starts with '0'
// sorts by its count of leading zeros first ("1.02" < "1.2", "1.002" < "1.02").
//
// Ordering follows apk-tools 2.x token by token, including for strings that are not
// valid versions: comparison simply stops at the first token that does not parse, as
// apk-tools does (e.g. "1.0" < "1.0bc", "23_foo" > "4_beta"). Every row of apk-tools'
// test/version.data holds. version_compare() never allocates.
#pragma once

#include <cstdint>
#include <string_view>

namespace apk {

// True if `v` follows the grammar above (apk_version_validate in apk-tools).
bool version_is_valid(std::string_view v);

// <0 if a sorts before b, 0 if equal, >0 if after.
int version_compare(std::string_view a, std::string_view b);

// Constraint operators as bit flags. "<=" is kOpLess|kOpEqual; "~" is kOpFuzzy|kOpEqual;
// a dependency without a version constraint has kOpAny.
enum VersionOp : uint8_t {
  kOpLess = 1,
  kOpEqual = 2,
  kOpGreater = 4,
  kOpFuzzy = 8,
  kOpAny = 7,
};

// True if `version` satisfies `op constraint`. Fuzzy ("~", "=~") is a prefix match on
// version components: 1.2.3 ~ 1.2 and 1.2-r4 ~ 1.2 hold, 1.20 ~ 1.2 and 1.2 ~ 1.2.3 do
// not. "<~" / ">~" are "less (greater) than, or fuzzy-equal". (op & kOpAny) == kOpAny
// matches everything.
bool version_match(std::string_view version, uint8_t op, std::string_view constraint);

// Operator text as apk writes it: "<", "<=", "=", ">=", ">", "~", "<~", ">~", "" for
// any; "?" for a combination that has no spelling.
std::string_view op_to_string(uint8_t op);

// Parses operator text ("<", "<=", "=", "==", ">=", ">", "~", "=~", "<~", ">~"); returns
// 0 for anything else (including the "><" checksum pin, which is not supported).
uint8_t op_from_string(std::string_view text);

}  // namespace apk
