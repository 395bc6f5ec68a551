#include "services/common/auth.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "services/common/status.h"

namespace qq {
namespace {

const std::string kSecretA(40, 'a');
const std::string kSecretB(40, 'b');

Identity Agent() { return Identity{"utility-demo", "u-1", "agent", {"agent", "leader"}}; }

std::string Base64Url(const std::string& raw) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

TEST(TokenVerifier, AcceptsWhatTheIssuerSigned) {
  TokenIssuer issuer({"k1", kSecretA});
  TokenVerifier verifier({{"k1", kSecretA}});
  auto token = issuer.Issue(Agent(), std::chrono::seconds(60));
  ASSERT_TRUE(token.ok()) << token.status();
  auto identity = verifier.VerifyAuthorizationHeader("Bearer " + *token);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->tenant, "utility-demo");
  EXPECT_EQ(identity->user_id, "u-1");
  EXPECT_EQ(identity->username, "agent");
  EXPECT_EQ(identity->roles, (std::vector<std::string>{"agent", "leader"}));
  EXPECT_EQ(identity->NameOrUsername(), "agent");  // no display name: the username
}

TEST(TokenVerifier, CarriesTheDisplayName) {
  TokenIssuer issuer({"k1", kSecretA});
  TokenVerifier verifier({{"k1", kSecretA}});
  Identity worker = Agent();
  worker.display_name = "王师傅💧";
  auto token = issuer.Issue(worker, std::chrono::seconds(60));
  ASSERT_TRUE(token.ok()) << token.status();
  auto identity = verifier.Verify(*token);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->display_name, "王师傅💧");
  EXPECT_EQ(identity->NameOrUsername(), "王师傅💧");
}

TEST(TokenVerifier, KeysRotateByKid) {
  TokenIssuer old_issuer({"k1", kSecretA});
  TokenIssuer new_issuer({"k2", kSecretB});
  TokenVerifier both({{"k2", kSecretB}, {"k1", kSecretA}});
  TokenVerifier only_new({{"k2", kSecretB}});
  auto old_token = *old_issuer.Issue(Agent(), std::chrono::seconds(60));
  EXPECT_TRUE(both.Verify(old_token).ok());
  EXPECT_TRUE(both.Verify(*new_issuer.Issue(Agent(), std::chrono::seconds(60))).ok());
  EXPECT_EQ(only_new.Verify(old_token).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(TokenVerifier, RejectsExpiredTamperedAndForeignTokens) {
  TokenIssuer issuer({"k1", kSecretA});
  TokenVerifier verifier({{"k1", kSecretA}});
  auto expired = *issuer.Issue(Agent(), std::chrono::seconds(-10));
  EXPECT_EQ(verifier.Verify(expired).status().code(), absl::StatusCode::kUnauthenticated);

  auto token = *issuer.Issue(Agent(), std::chrono::seconds(60));
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifier.Verify(tampered).ok());

  TokenIssuer stranger({"k1", kSecretB});  // same kid, other secret
  EXPECT_FALSE(verifier.Verify(*stranger.Issue(Agent(), std::chrono::seconds(60))).ok());
  EXPECT_FALSE(verifier.Verify("").ok());
  EXPECT_FALSE(verifier.Verify("a.b.c").ok());
  EXPECT_FALSE(verifier.VerifyAuthorizationHeader(token).ok());  // no "Bearer "
}

TEST(TokenVerifier, RejectsUnsignedAlgNoneTokens) {
  TokenVerifier verifier({{"k1", kSecretA}});
  std::string header = Base64Url(R"({"alg":"none","kid":"k1","typ":"JWT"})");
  std::string claims = Base64Url(
      R"({"iss":"qingquan","sub":"u-1","tid":"utility-demo","roles":["admin"],"exp":4102444800})");
  EXPECT_EQ(verifier.Verify(header + "." + claims + ".").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ParseJwtKeys, NeedsKidAndLongSecrets) {
  auto keys = ParseJwtKeys("k2:" + kSecretB + ", k1:" + kSecretA);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "k2");
  EXPECT_FALSE(ParseJwtKeys("").ok());
  EXPECT_FALSE(ParseJwtKeys("k1:short").ok());
  EXPECT_EQ(FieldOf(ParseJwtKeys(":" + kSecretA).status()), "jwt_keys");
}

}  // namespace
}  // namespace qq
