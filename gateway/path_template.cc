// Parsing and matching of HttpRule path templates; see path_template.h for the grammar.
#include "gateway/path_template.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace qq::gateway {
namespace {

bool IsLiteralChar(char c) {
  // RFC 3986 pchar without ':' (it introduces the verb), plus '%' for escapes.
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  return absl::string_view("-._~!$&'()+,;=@%").find(c) != absl::string_view::npos;
}

bool IsIdentStart(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_'; }

bool IsIdentChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Recursive-descent parser over the part of the template before the verb.
class Parser {
 public:
  Parser(absl::string_view text, std::vector<PathTemplate::Segment>& segments,
         std::vector<PathTemplate::Variable>& variables)
      : text_(text), segments_(segments), variables_(variables) {}

  absl::Status ParseAll() {
    if (absl::Status s = ParseSegments(/*in_variable=*/false); !s.ok()) return s;
    if (pos_ != text_.size()) {
      return Error(absl::StrCat("'", text_.substr(pos_, 1), "' is not allowed here"));
    }
    for (size_t i = 0; i + 1 < segments_.size(); ++i) {
      if (segments_[i].kind == PathTemplate::Segment::Kind::kMultiWildcard) {
        return Error("'**' is allowed only as the last segment");
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status ParseSegments(bool in_variable) {
    while (true) {
      if (absl::Status s = ParseSegment(in_variable); !s.ok()) return s;
      if (pos_ < text_.size() && text_[pos_] == '/') {
        ++pos_;
        continue;
      }
      return absl::OkStatus();
    }
  }

  absl::Status ParseSegment(bool in_variable) {
    if (pos_ >= text_.size() || text_[pos_] == '/' || text_[pos_] == '}') {
      return Error("empty segment");
    }
    using Kind = PathTemplate::Segment::Kind;
    if (text_.substr(pos_, 2) == "**") {
      pos_ += 2;
      segments_.push_back({Kind::kMultiWildcard, ""});
      return absl::OkStatus();
    }
    if (text_[pos_] == '*') {
      ++pos_;
      segments_.push_back({Kind::kSingleWildcard, ""});
      return absl::OkStatus();
    }
    if (text_[pos_] == '{') {
      if (in_variable) return Error("variables cannot be nested");
      return ParseVariable();
    }
    size_t start = pos_;
    while (pos_ < text_.size() && IsLiteralChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Error(absl::StrCat("'", text_.substr(pos_, 1), "' is not allowed"));
    segments_.push_back({Kind::kLiteral, std::string(text_.substr(start, pos_ - start))});
    return absl::OkStatus();
  }

  absl::Status ParseVariable() {
    ++pos_;  // '{'
    PathTemplate::Variable variable;
    while (true) {
      size_t start = pos_;
      if (pos_ >= text_.size() || !IsIdentStart(text_[pos_])) {
        return Error("a variable needs a field path, e.g. {id} or {parent.id}");
      }
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
      variable.field_path.emplace_back(text_.substr(start, pos_ - start));
      if (pos_ < text_.size() && text_[pos_] == '.') {
        ++pos_;
        continue;
      }
      break;
    }
    std::string name = absl::StrJoin(variable.field_path, ".");
    if (!bound_.insert(name).second) return Error(absl::StrCat("'", name, "' is bound twice"));
    variable.start = static_cast<int>(segments_.size());
    if (pos_ < text_.size() && text_[pos_] == '=') {
      ++pos_;
      if (absl::Status s = ParseSegments(/*in_variable=*/true); !s.ok()) return s;
    } else {
      segments_.push_back({PathTemplate::Segment::Kind::kSingleWildcard, ""});
    }
    if (pos_ >= text_.size() || text_[pos_] != '}') {
      return Error(absl::StrCat("variable '", name, "' is not closed with '}'"));
    }
    ++pos_;
    variable.end = static_cast<int>(segments_.size());
    if (segments_.back().kind == PathTemplate::Segment::Kind::kMultiWildcard) variable.end = -1;
    variables_.push_back(std::move(variable));
    return absl::OkStatus();
  }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(what, " at offset ", pos_ + 1));
  }

  absl::string_view text_;
  size_t pos_ = 0;
  std::vector<PathTemplate::Segment>& segments_;
  std::vector<PathTemplate::Variable>& variables_;
  std::set<std::string> bound_;
};

// Offset of the ':' starting the verb: the last ':' outside braces after the last '/'.
size_t VerbColon(absl::string_view text) {
  int depth = 0;
  size_t colon = absl::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (depth != 0) continue;
    if (c == '/') colon = absl::string_view::npos;
    if (c == ':') colon = i;
  }
  return colon;
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  auto fail = [&](const absl::Status& s) {
    return absl::InvalidArgumentError(absl::StrCat("path template '", text, "': ", s.message()));
  };
  if (text.empty() || text[0] != '/') {
    return fail(absl::InvalidArgumentError("must start with '/'"));
  }
  PathTemplate result;
  result.text_ = std::string(text);
  absl::string_view body = text.substr(1);
  size_t colon = VerbColon(body);
  if (colon != absl::string_view::npos) {
    result.verb_ = std::string(body.substr(colon + 1));
    body = body.substr(0, colon);
    if (result.verb_.empty()) return fail(absl::InvalidArgumentError("empty verb after ':'"));
    for (char c : result.verb_) {
      if (!IsLiteralChar(c)) {
        return fail(absl::InvalidArgumentError(
            absl::StrCat("'", std::string(1, c), "' is not allowed in the verb")));
      }
    }
  }
  Parser parser(body, result.segments_, result.variables_);
  if (absl::Status s = parser.ParseAll(); !s.ok()) return fail(s);
  return result;
}

std::optional<std::vector<PathBinding>> PathTemplate::Match(absl::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  path.remove_prefix(1);
  if (!verb_.empty()) {
    size_t suffix = verb_.size() + 1;
    if (path.size() <= suffix || path[path.size() - suffix] != ':' ||
        path.substr(path.size() - verb_.size()) != verb_) {
      return std::nullopt;
    }
    path.remove_suffix(suffix);
    // The verb belongs to the last segment, so what precedes it cannot end with '/'.
    if (path.empty() || path.back() == '/') return std::nullopt;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  bool multi = !segments_.empty() && segments_.back().kind == Segment::Kind::kMultiWildcard;
  size_t fixed = multi ? segments_.size() - 1 : segments_.size();
  if (multi ? parts.size() < fixed : parts.size() != fixed) return std::nullopt;
  for (size_t i = 0; i < fixed; ++i) {
    const Segment& segment = segments_[i];
    if (segment.kind == Segment::Kind::kLiteral ? parts[i] != segment.literal : parts[i].empty()) {
      return std::nullopt;
    }
  }
  std::vector<PathBinding> bindings;
  bindings.reserve(variables_.size());
  for (const Variable& variable : variables_) {
    size_t end = variable.end < 0 ? parts.size() : static_cast<size_t>(variable.end);
    std::vector<absl::string_view> captured(parts.begin() + variable.start, parts.begin() + end);
    bool single = captured.size() == 1 && variable.end >= 0;
    bindings.push_back(
        {variable.field_path, PercentDecode(absl::StrJoin(captured, "/"), /*keep_slash=*/!single)});
  }
  return bindings;
}

int PathTemplate::Specificity() const {
  int literals = verb_.empty() ? 0 : 1;
  for (const Segment& segment : segments_) {
    if (segment.kind == Segment::Kind::kLiteral) ++literals;
  }
  return literals;
}

std::string PathTemplate::Canonical() const {
  std::string out;
  for (const Segment& segment : segments_) {
    out += '/';
    switch (segment.kind) {
      case Segment::Kind::kLiteral:
        out += segment.literal;
        break;
      case Segment::Kind::kSingleWildcard:
        out += '*';
        break;
      case Segment::Kind::kMultiWildcard:
        out += "**";
        break;
    }
  }
  if (!verb_.empty()) absl::StrAppend(&out, ":", verb_);
  return out;
}

std::string PercentDecode(absl::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        char decoded = static_cast<char>(hi * 16 + lo);
        if (keep_slash && decoded == '/') {
          out.append(text.data() + i, 3);
        } else {
          out.push_back(decoded);
        }
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace qq::gateway
