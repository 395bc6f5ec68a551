// google.api.HttpRule path templates ("/v1/work-orders/{id}:accept"): parsing, and
// matching a request path against a template into (field path, value) bindings. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::gateway {

// A path variable's value, bound to a request field path (proto names, e.g. {"parent",
// "id"} for "{parent.id}"). The value is percent-decoded.
struct PathBinding {
  std::vector<std::string> field_path;
  std::string value;
};

class PathTemplate {
 public:
  struct Segment {
    enum class Kind { kLiteral, kSingleWildcard, kMultiWildcard };
    Kind kind = Kind::kLiteral;
    std::string literal;  // kLiteral only
  };

  // Segments [start, end) are captured by the variable; end == -1 for a variable whose
  // last segment is "**" (it captures everything up to the end of the path).
  struct Variable {
    std::vector<std::string> field_path;
    int start = 0;
    int end = 0;
  };

  // Grammar (google/api/http.proto):
  //   Template = "/" Segments [ Verb ] ;  Segments = Segment { "/" Segment } ;
  //   Segment  = "*" | "**" | LITERAL | Variable ;  Verb = ":" LITERAL ;
  //   Variable = "{" FieldPath [ "=" Segments ] "}" ;  FieldPath = IDENT { "." IDENT } ;
  // INVALID_ARGUMENT naming the problem: no leading "/", an empty segment or verb, an
  // unclosed or nested variable, a bad field path, a variable bound twice, "**" before
  // the last segment, a character not allowed in a literal.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // The bindings of `path` (no query string), or nullopt when it does not match. A
  // literal matches only itself; "*" one non-empty segment; "**" any number of them.
  std::optional<std::vector<PathBinding>> Match(absl::string_view path) const;

  // How specific the template is: literal segments, plus one for a verb. Of several
  // templates matching a path, the one with the highest specificity is chosen.
  int Specificity() const;

  // The template with variables reduced to their patterns and names dropped, so two
  // templates that would match the same paths have the same canonical form.
  std::string Canonical() const;

  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Variable>& variables() const { return variables_; }
  const std::string& verb() const { return verb_; }

 private:
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

// Decodes %XX escapes; malformed escapes are kept as written. With `keep_slash`, an
// encoded "/" (%2F) stays encoded, so a multi-segment value keeps its segment structure.
std::string PercentDecode(absl::string_view text, bool keep_slash = false);

}  // namespace qq::gateway
