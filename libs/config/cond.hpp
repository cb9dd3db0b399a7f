// melange's `if:` condition language.
//
//   expr  := atom (('&&' | '||') atom)*      evaluated strictly left to right, no precedence
//   atom  := '(' expr ')' | value ('==' | '!=') value
//   value := '...' | "..." (escapes \\ \' \" \n \t) | ${{ name }} (its value, as a literal)
//
// There is no '!' and there are no bare words. Every operand is evaluated, so an undefined
// variable is an error even where the result is already known.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "config/subst.hpp"

namespace config {

base::Result<bool> evaluate_condition(std::string_view expr, const std::map<std::string, std::string>& vars);
base::Result<bool> evaluate_condition(std::string_view expr, const VarLookup& lookup);

}  // namespace config
