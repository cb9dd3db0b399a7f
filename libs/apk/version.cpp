#include "apk/version.hpp"

#include <cstddef>

namespace apk {
namespace {

// Token kinds, in the order they may follow each other. A version is scanned as a
// sequence of (kind, value) tokens; a kind may only be followed by a kind of equal or
// higher rank, with three exceptions: a number may follow a letter ("1a2"), ".N" may
// follow a number, and "_suffix" may follow a suffix number ("_alpha1_p2").
enum class Tok : int8_t {
  kInvalid = -1,
  kComponent = 0,   // digits after '.', where leading zeros are ranked specially
  kNumber,          // plain digits (the first component, or digits after zeros/letter)
  kLetter,          // one lowercase letter
  kSuffix,          // _alpha, _p, ...
  kSuffixNumber,    // the number after a suffix
  kRevision,        // the number after "-r"
  kEnd,
};

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

// Suffix names with their sort value: pre-release suffixes are negative.
struct SuffixName {
  std::string_view name;
  int value;
};
constexpr SuffixName kSuffixes[] = {
    {"alpha", -4}, {"beta", -3}, {"pre", -2}, {"rc", -1},
    {"cvs", 0},    {"svn", 1},   {"git", 2},  {"hg", 3},  {"p", 4},
};

// The suffix name that `s` starts with (pre-release names tried first, so "pre1" is
// "pre", not "p"), or nullptr.
const SuffixName* match_suffix(std::string_view s) {
  if (s.empty()) return nullptr;
  const SuffixName* candidate = nullptr;
  switch (s[0]) {
    case 'a': candidate = &kSuffixes[0]; break;
    case 'b': candidate = &kSuffixes[1]; break;
    case 'p': candidate = s.starts_with("pre") ? &kSuffixes[2] : &kSuffixes[8]; break;
    case 'r': candidate = &kSuffixes[3]; break;
    case 'c': candidate = &kSuffixes[4]; break;
    case 's': candidate = &kSuffixes[5]; break;
    case 'g': candidate = &kSuffixes[6]; break;
    case 'h': candidate = &kSuffixes[7]; break;
    default: return nullptr;
  }
  return s.starts_with(candidate->name) ? candidate : nullptr;
}

// Numbers of this many digits or more make a version invalid (keeps values in int64).
constexpr size_t kMaxDigits = 18;

// Walks a version string token by token without copying it.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  Tok kind() const { return kind_; }

  // Consumes the current token and returns its value; kind() becomes the kind of the
  // token that follows. An unparsable token yields -1 and kind() == kInvalid.
  int64_t take() {
    if (p_ >= end_) {
      kind_ = Tok::kEnd;
      return 0;
    }
    int64_t value = 0;
    size_t n = 0;
    Tok forced = Tok::kInvalid;
    switch (kind_) {
      case Tok::kComponent:
        if (*p_ == '0') {
          // All but the last leading zero rank the component; the rest is a number.
          while (n + 1 < left() && p_[n + 1] == '0') ++n;
          value = -static_cast<int64_t>(n);
          forced = Tok::kNumber;
          break;
        }
        [[fallthrough]];
      case Tok::kNumber:
      case Tok::kSuffixNumber:
      case Tok::kRevision:
        while (n < left() && is_digit(p_[n])) {
          if (n < kMaxDigits) value = value * 10 + (p_[n] - '0');
          ++n;
        }
        if (n >= kMaxDigits) return fail();
        break;
      case Tok::kLetter:
        value = p_[0];
        n = 1;
        break;
      case Tok::kSuffix: {
        // apk-tools matches the suffix name as a prefix; whatever follows must then
        // be a number or the next separator.
        const SuffixName* s = match_suffix(std::string_view(p_, left()));
        if (s == nullptr) return fail();
        value = s->value;
        n = s->name.size();
        break;
      }
      default:
        return fail();
    }
    p_ += n;
    if (p_ == end_) {
      kind_ = Tok::kEnd;
    } else if (forced != Tok::kInvalid) {
      kind_ = forced;
    } else {
      classify_next();
    }
    return value;
  }

 private:
  size_t left() const { return static_cast<size_t>(end_ - p_); }

  int64_t fail() {
    kind_ = Tok::kInvalid;
    return -1;
  }

  // Looks at the separator after a token, consumes it, and sets the next kind.
  void classify_next() {
    const Tok prev = kind_;
    Tok next = Tok::kInvalid;
    if (*p_ == '\0') {
      next = Tok::kEnd;
    } else if ((prev == Tok::kNumber || prev == Tok::kComponent) && is_lower(*p_)) {
      next = Tok::kLetter;
    } else if (prev == Tok::kLetter && is_digit(*p_)) {
      next = Tok::kNumber;
    } else if (prev == Tok::kSuffix && is_digit(*p_)) {
      next = Tok::kSuffixNumber;
    } else {
      if (*p_ == '.') {
        next = Tok::kComponent;
      } else if (*p_ == '_') {
        next = Tok::kSuffix;
      } else if (*p_ == '-' && left() > 1 && p_[1] == 'r') {
        next = Tok::kRevision;
        ++p_;
      }
      ++p_;
    }
    if (next < prev) {
      const bool allowed = (next == Tok::kComponent && prev == Tok::kNumber) ||
                           (next == Tok::kSuffix && prev == Tok::kSuffixNumber) ||
                           (next == Tok::kNumber && prev == Tok::kLetter);
      if (!allowed) next = Tok::kInvalid;
    }
    kind_ = next;
  }

  const char* p_;
  const char* end_;
  Tok kind_ = Tok::kNumber;
};

// Returns -1, 0 or 1. With `fuzzy`, `a` equals `b` when b's tokens are a prefix of a's.
int compare(std::string_view a, std::string_view b, bool fuzzy) {
  Scanner sa(a), sb(b);
  int64_t av = 0, bv = 0;
  while (sa.kind() == sb.kind() && sa.kind() != Tok::kEnd && sa.kind() != Tok::kInvalid &&
         av == bv) {
    av = sa.take();
    bv = sb.take();
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (sa.kind() == sb.kind()) return 0;
  if (fuzzy && sb.kind() == Tok::kEnd) return 0;
  // Equal so far and one side continues: the longer one is newer, unless what follows
  // is a pre-release suffix (or a suffix that does not parse).
  if (sa.kind() == Tok::kSuffix && Scanner(sa).take() < 0) return -1;
  if (sb.kind() == Tok::kSuffix && Scanner(sb).take() < 0) return 1;
  if (sa.kind() > sb.kind()) return -1;
  if (sb.kind() > sa.kind()) return 1;
  return 0;
}

}  // namespace

bool version_is_valid(std::string_view v) {
  // apk-tools also accepts the empty string; an empty version is never useful here.
  if (v.empty()) return false;
  Scanner s(v);
  while (s.kind() != Tok::kEnd && s.kind() != Tok::kInvalid) s.take();
  return s.kind() == Tok::kEnd;
}

int version_compare(std::string_view a, std::string_view b) { return compare(a, b, false); }

bool version_match(std::string_view version, uint8_t op, std::string_view constraint) {
  if ((op & kOpAny) == kOpAny) return true;
  const bool fuzzy = (op & kOpFuzzy) != 0;
  if (fuzzy) op |= kOpEqual;
  const int r = compare(version, constraint, fuzzy);
  const uint8_t bit = r < 0 ? kOpLess : r > 0 ? kOpGreater : kOpEqual;
  return (op & bit) != 0;
}

std::string_view op_to_string(uint8_t op) {
  if ((op & kOpAny) == kOpAny) return "";
  switch (op) {
    case kOpLess: return "<";
    case kOpLess | kOpEqual: return "<=";
    case kOpEqual: return "=";
    case kOpGreater | kOpEqual: return ">=";
    case kOpGreater: return ">";
    case kOpFuzzy:
    case kOpFuzzy | kOpEqual: return "~";
    case kOpLess | kOpEqual | kOpFuzzy:
    case kOpLess | kOpFuzzy: return "<~";
    case kOpGreater | kOpEqual | kOpFuzzy:
    case kOpGreater | kOpFuzzy: return ">~";
    default: return "?";
  }
}

uint8_t op_from_string(std::string_view text) {
  uint8_t op = 0;
  for (char c : text) {
    switch (c) {
      case '<': op |= kOpLess; break;
      case '>': op |= kOpGreater; break;
      case '=': op |= kOpEqual; break;
      case '~': op |= kOpFuzzy | kOpEqual; break;
      default: return 0;
    }
  }
  // "<>"/"><" would be apk's checksum pin; no spelling combines both directions.
  if ((op & kOpLess) && (op & kOpGreater)) return 0;
  return op;
}

}  // namespace apk
