#include "gateway/path_template.h"

#include <gtest/gtest.h>

namespace qq::gateway {
namespace {

using Kind = PathTemplate::Segment::Kind;

PathTemplate MustParse(absl::string_view text) {
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status();
  return parsed.ok() ? *parsed : PathTemplate();
}

// Bindings of `path` as "field=value" strings, or {"no match"}.
std::vector<std::string> Bind(const PathTemplate& path_template, absl::string_view path) {
  std::optional<std::vector<PathBinding>> bindings = path_template.Match(path);
  if (!bindings) return {"no match"};
  std::vector<std::string> out;
  for (const PathBinding& b : *bindings) {
    std::string name;
    for (const std::string& part : b.field_path) name += (name.empty() ? "" : ".") + part;
    out.push_back(name + "=" + b.value);
  }
  return out;
}

TEST(PathTemplate, ParsesVariableAndVerb) {
  PathTemplate t = MustParse("/v1/work-orders/{id}:accept");
  ASSERT_EQ(t.segments().size(), 3u);
  EXPECT_EQ(t.segments()[0].literal, "v1");
  EXPECT_EQ(t.segments()[1].literal, "work-orders");
  EXPECT_EQ(t.segments()[2].kind, Kind::kSingleWildcard);
  ASSERT_EQ(t.variables().size(), 1u);
  EXPECT_EQ(t.variables()[0].field_path, std::vector<std::string>{"id"});
  EXPECT_EQ(t.variables()[0].start, 2);
  EXPECT_EQ(t.variables()[0].end, 3);
  EXPECT_EQ(t.verb(), "accept");
}

TEST(PathTemplate, ParsesVerbAfterLiteral) {
  PathTemplate t = MustParse("/v1/areas:resolve");
  ASSERT_EQ(t.segments().size(), 2u);
  EXPECT_EQ(t.segments()[1].literal, "areas");
  EXPECT_EQ(t.verb(), "resolve");
}

TEST(PathTemplate, ParsesNestedFieldPathWithPattern) {
  PathTemplate t = MustParse("/v1/{parent.name=shelves/*}/books/{book_id}");
  ASSERT_EQ(t.variables().size(), 2u);
  EXPECT_EQ(t.variables()[0].field_path, (std::vector<std::string>{"parent", "name"}));
  EXPECT_EQ(t.variables()[0].start, 1);
  EXPECT_EQ(t.variables()[0].end, 3);
  EXPECT_EQ(t.variables()[1].start, 4);
  EXPECT_TRUE(t.verb().empty());
}

TEST(PathTemplate, ParsesWildcards) {
  PathTemplate t = MustParse("/v1/*/files/**");
  ASSERT_EQ(t.segments().size(), 4u);
  EXPECT_EQ(t.segments()[1].kind, Kind::kSingleWildcard);
  EXPECT_EQ(t.segments()[3].kind, Kind::kMultiWildcard);
  EXPECT_TRUE(t.variables().empty());
}

TEST(PathTemplate, RejectsMalformedTemplates) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const Case& c : std::vector<Case>{
           {"", "must start with '/'"},
           {"v1/customers", "must start with '/'"},
           {"/", "empty segment"},
           {"/v1//customers", "empty segment"},
           {"/v1/customers/", "empty segment"},
           {"/v1/{id", "not closed"},
           {"/v1/{}", "needs a field path"},
           {"/v1/{1id}", "needs a field path"},
           {"/v1/{a.}", "needs a field path"},
           {"/v1/{a={b}}", "cannot be nested"},
           {"/v1/{id}/{id}", "bound twice"},
           {"/v1/**/x", "only as the last segment"},
           {"/v1/x:", "empty verb"},
           {"/v1/a b", "not allowed"},
           {"/v1/x?y", "not allowed"},
       }) {
    absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(c.error), absl::string_view::npos)
        << c.text << " -> " << parsed.status().message();
  }
}

TEST(PathTemplate, MatchesOneSegmentPerVariableAndDecodesIt) {
  PathTemplate t = MustParse("/v1/customers/{id}");
  EXPECT_EQ(Bind(t, "/v1/customers/c-1"), std::vector<std::string>{"id=c-1"});
  EXPECT_EQ(Bind(t, "/v1/customers/%E5%BC%A0%20san%2F1"),
            std::vector<std::string>{"id=\xE5\xBC\xA0 san/1"});
  EXPECT_EQ(Bind(t, "/v1/customers"), std::vector<std::string>{"no match"});
  EXPECT_EQ(Bind(t, "/v1/customers/"), std::vector<std::string>{"no match"});
  EXPECT_EQ(Bind(t, "/v1/customers/a/b"), std::vector<std::string>{"no match"});
  EXPECT_EQ(Bind(t, "/v2/customers/a"), std::vector<std::string>{"no match"});
  EXPECT_EQ(Bind(t, "v1/customers/a"), std::vector<std::string>{"no match"});
}

TEST(PathTemplate, MatchesVerbOnlyWhenPresent) {
  PathTemplate t = MustParse("/v1/work-orders/{id}:accept");
  EXPECT_EQ(Bind(t, "/v1/work-orders/w-1:accept"), std::vector<std::string>{"id=w-1"});
  EXPECT_EQ(Bind(t, "/v1/work-orders/w:1:accept"), std::vector<std::string>{"id=w:1"});
  EXPECT_EQ(Bind(t, "/v1/work-orders/w-1:resolve"), std::vector<std::string>{"no match"});
  EXPECT_EQ(Bind(t, "/v1/work-orders/w-1"), std::vector<std::string>{"no match"});
  EXPECT_EQ(Bind(t, "/v1/work-orders/:accept"), std::vector<std::string>{"no match"});
  EXPECT_EQ(Bind(t, "/v1/work-orders/w-1/:accept"), std::vector<std::string>{"no match"});

  PathTemplate literal = MustParse("/v1/areas:resolve");
  EXPECT_EQ(Bind(literal, "/v1/areas:resolve"), std::vector<std::string>{});
  EXPECT_EQ(Bind(literal, "/v1/areas"), std::vector<std::string>{"no match"});
}

TEST(PathTemplate, VariableWithoutVerbKeepsColons) {
  PathTemplate t = MustParse("/v1/customers/{id}");
  EXPECT_EQ(Bind(t, "/v1/customers/a:b"), std::vector<std::string>{"id=a:b"});
}

TEST(PathTemplate, MultiSegmentVariableKeepsEncodedSlashes) {
  PathTemplate t = MustParse("/v1/{name=files/**}");
  EXPECT_EQ(Bind(t, "/v1/files/a/b%2Fc%20d"), std::vector<std::string>{"name=files/a/b%2Fc d"});
  EXPECT_EQ(Bind(t, "/v1/files"), std::vector<std::string>{"name=files"});
  EXPECT_EQ(Bind(t, "/v1/other/a"), std::vector<std::string>{"no match"});
}

TEST(PathTemplate, PatternVariableMatchesItsLiterals) {
  PathTemplate t = MustParse("/v1/{parent.name=shelves/*}/books/{book_id}");
  EXPECT_EQ(Bind(t, "/v1/shelves/s1/books/b2"),
            (std::vector<std::string>{"parent.name=shelves/s1", "book_id=b2"}));
  EXPECT_EQ(Bind(t, "/v1/racks/s1/books/b2"), std::vector<std::string>{"no match"});
}

TEST(PathTemplate, SpecificityCountsLiteralsAndVerb) {
  EXPECT_EQ(MustParse("/v1/areas:resolve").Specificity(), 3);
  EXPECT_EQ(MustParse("/v1/areas/{id}").Specificity(), 2);
  EXPECT_EQ(MustParse("/v1/areas/{id}:resolve").Specificity(), 3);
  EXPECT_EQ(MustParse("/v1/**").Specificity(), 1);
}

TEST(PathTemplate, CanonicalFormIgnoresVariableNames) {
  EXPECT_EQ(MustParse("/v1/customers/{id}").Canonical(), "/v1/customers/*");
  EXPECT_EQ(MustParse("/v1/customers/{name}").Canonical(), "/v1/customers/*");
  EXPECT_EQ(MustParse("/v1/{name=files/**}:get").Canonical(), "/v1/files/**:get");
}

TEST(PercentDecode, DecodesEscapesAndKeepsMalformedOnes) {
  EXPECT_EQ(PercentDecode("a%20b%2fc"), "a b/c");
  EXPECT_EQ(PercentDecode("a%2Fb", /*keep_slash=*/true), "a%2Fb");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("100%"), "100%");
}

}  // namespace
}  // namespace qq::gateway
