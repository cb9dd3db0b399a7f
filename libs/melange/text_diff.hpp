// A unified diff of two texts, as `diff -u` prints it (3 lines of context), for the
// commands that show how a file would change (`melange scan --diff`, `melange rebuild`).
//
// Output: "diff OLD NEW", "--- OLD", "+++ NEW", then "@@ -a,b +c,d @@" hunks whose lines
// start with ' ', '-' or '+'. A last line without a newline gets one plus the line
// "\ No newline at end of file". Equal texts give "". The matching is a longest common
// subsequence of lines (quadratic: meant for small files such as .PKGINFO).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace melange {

std::string unified_diff(std::string_view old_name, std::string_view old_text, std::string_view new_name,
                         std::string_view new_text, int context = 3);

// The lines of `text` with each line's "\n" kept (the last one may lack it).
std::vector<std::string> split_lines_keep(std::string_view text);

}  // namespace melange
