// The channels against the in-process fake providers, plus known-answer tests of the two
// SMS signatures.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "services/notification/channels/aliyun_sms_channel.h"
#include "services/notification/channels/http_client.h"
#include "services/notification/channels/request_signing.h"
#include "services/notification/channels/tencent_sms_channel.h"
#include "services/notification/channels/testing/fake_providers.h"
#include "services/notification/channels/wechat_channels.h"

namespace qq::notification {
namespace {

using namespace std::chrono_literals;
using Outcome = SendResult::Outcome;
using SteadyClock = std::chrono::steady_clock;
namespace fake = qq::notification::testing;

const std::vector<std::pair<std::string, std::string>> kChineseParams = {
    {"name", "张三"}, {"work", "更换DN100阀门后恢复供水"}, {"mood", "🎉"}};

OutgoingMessage Sms(std::string phone, std::string template_code = "SMS_154950909") {
  OutgoingMessage message;
  message.message_id = "6f1c2d3e-4a5b-4c6d-8e7f-901234567890";
  message.tenant = "tenant-a";
  message.recipient = std::move(phone);
  message.template_code = std::move(template_code);
  message.params = kChineseParams;
  return message;
}

// A TCP port that accepts connections (the kernel completes the handshake into the
// backlog) but never answers: a hanging provider below the HTTP level.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    listen(fd_, 16);
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A port nothing listens on.
int ClosedPort() {
  SilentListener listener;
  return listener.port();
}

template <typename F>
std::chrono::milliseconds Timed(F&& f) {
  const auto start = SteadyClock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
}

// --- Signatures -------------------------------------------------------------------------

// The SendSms example of Aliyun's signature documentation (AccessKeyId testId,
// AccessKeySecret testSecret). The expected value is the documented one and was recomputed
// while writing this test with
//   printf '%s' "$STRING_TO_SIGN" | openssl dgst -sha1 -hmac 'testSecret&' -binary | base64
// where STRING_TO_SIGN is the "GET&%2F&AccessKeyId%3DtestId%26…" string checked below.
TEST(RequestSigning, AliyunSignatureMatchesTheDocumentedExample) {
  const AliyunParams params = {
      {"AccessKeyId", "testId"},
      {"Action", "SendSms"},
      {"Format", "XML"},
      {"OutId", "123"},
      {"PhoneNumbers", "15300000001"},
      {"RegionId", "cn-hangzhou"},
      {"SignName", "阿里云短信测试专用"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"},
      {"SignatureVersion", "1.0"},
      {"TemplateCode", "SMS_71390007"},
      {"TemplateParam", R"({"customer":"test"})"},
      {"Timestamp", "2017-07-12T02:42:19Z"},
      {"Version", "2017-05-25"},
  };
  EXPECT_EQ(AliyunStringToSign("GET", params),
            "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26"
            "PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9"
            "%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595"
            "%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e"
            "9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007"
            "%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017"
            "-07-12T02%253A42%253A19Z%26Version%3D2017-05-25");
  EXPECT_EQ(AliyunRpcSignature("GET", params, "testSecret"), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  // The order the parameters come in does not matter, and Signature itself is not signed.
  AliyunParams shuffled(params.rbegin(), params.rend());
  shuffled.emplace_back("Signature", "ignored");
  EXPECT_EQ(AliyunRpcSignature("GET", shuffled, "testSecret"), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
}

TEST(RequestSigning, AliyunPercentEncodingFollowsAliyunRules) {
  EXPECT_EQ(AliyunPercentEncode("a b*c~d+e/f=g&h"), "a%20b%2Ac~d%2Be%2Ff%3Dg%26h");
  EXPECT_EQ(AliyunPercentEncode("-_.09AZaz"), "-_.09AZaz");
  EXPECT_EQ(AliyunPercentEncode("张"), "%E5%BC%A0");
  EXPECT_EQ(PercentDecode("a%20b+c%E5%BC%A0%2", true), "a b c张%2");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
}

// The POST example of Tencent Cloud's "Signature v3" documentation (CVM DescribeInstances,
// SecretId AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE, timestamp 1551113065). The expected
// values are the documented ones, recomputed while writing this test with openssl:
//   k=$(printf 2019-02-25 | openssl dgst -sha256 -hmac "TC3$SECRET_KEY" -r | cut -d' ' -f1)
//   k=$(printf cvm | openssl dgst -sha256 -mac HMAC -macopt hexkey:$k -r | cut -d' ' -f1)
//   k=$(printf tc3_request | openssl dgst -sha256 -mac HMAC -macopt hexkey:$k -r | cut -d' ' -f1)
//   printf "$STRING_TO_SIGN" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$k -r
TEST(RequestSigning, Tc3SignatureMatchesTheDocumentedExample) {
  Tc3Request request;
  request.signed_headers = {{"Host", "cvm.tencentcloudapi.com"},
                            {"Content-Type", "application/json; charset=utf-8"}};
  request.payload =
      R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
  const std::string canonical = Tc3CanonicalRequest(request);
  EXPECT_EQ(canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\n"
            "host:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  const std::string string_to_sign = Tc3StringToSign(1551113065, "cvm", canonical);
  EXPECT_TRUE(absl::StartsWith(string_to_sign,
                               "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"));
  EXPECT_EQ(Tc3Signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", 1551113065, "cvm", string_to_sign),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  EXPECT_EQ(Tc3Authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                             "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", 1551113065, "cvm", request),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
            "tc3_request, SignedHeaders=content-type;host, "
            "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
}

// --- HttpClient -------------------------------------------------------------------------

TEST(HttpClient, HangingServerReturnsWithinTheTimeout) {
  SilentListener listener;
  HttpClient client;
  HttpResponse response;
  const auto elapsed = Timed([&] {
    response =
        client.Post("http://127.0.0.1:" + std::to_string(listener.port()) + "/", {}, "x", 500ms);
  });
  EXPECT_TRUE(response.transport_failed());
  EXPECT_TRUE(response.timed_out) << response.error;
  EXPECT_EQ(response.status, 0);
  EXPECT_GE(elapsed, 450ms);
  EXPECT_LT(elapsed, 1500ms);
}

TEST(HttpClient, RefusedConnectionIsATransportFailure) {
  HttpClient client;
  const HttpResponse response =
      client.Get("http://127.0.0.1:" + std::to_string(ClosedPort()) + "/", {}, 1000ms);
  EXPECT_TRUE(response.transport_failed());
  EXPECT_FALSE(response.timed_out);
  EXPECT_TRUE(absl::StrContains(response.error, "curl 7")) << response.error;
}

TEST(HttpClient, RefusesOtherProtocols) {
  HttpClient client;
  const HttpResponse response = client.Get("file:///etc/passwd", {}, 1000ms);
  EXPECT_TRUE(response.transport_failed());
  EXPECT_TRUE(response.body.empty());
}

// --- Fixture ----------------------------------------------------------------------------

class ChannelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake::FakeProvidersOptions options;
    options.hang_for = 4s;
    fakes_ = std::make_unique<fake::FakeProviders>(options);
    ASSERT_TRUE(fakes_->Start().ok());
    defaults_ = options;
  }

  AliyunSmsOptions Aliyun() const {
    AliyunSmsOptions options;
    options.endpoint = fakes_->base_url() + "/";
    options.access_key_id = defaults_.aliyun_access_key_id;
    options.access_key_secret = defaults_.aliyun_access_key_secret;
    options.sign_name = "清泉水务";
    options.timeout = 1000ms;
    return options;
  }

  TencentSmsOptions Tencent() const {
    TencentSmsOptions options;
    options.endpoint = fakes_->base_url();
    options.secret_id = defaults_.tencent_secret_id;
    options.secret_key = defaults_.tencent_secret_key;
    options.sdk_app_id = defaults_.tencent_sdk_app_id;
    options.sign_name = "清泉水务";
    options.timeout = 1000ms;
    return options;
  }

  WechatAppOptions MiniProgram() const {
    WechatAppOptions app;
    app.api_base = fakes_->base_url();
    app.app_id = "wxfakeminiprogram";
    app.app_secret = defaults_.wechat_apps.at("wxfakeminiprogram");
    app.timeout = 1000ms;
    return app;
  }

  WechatAppOptions OfficialAccount() const {
    WechatAppOptions app = MiniProgram();
    app.app_id = "wxfakeofficial";
    app.app_secret = defaults_.wechat_apps.at("wxfakeofficial");
    return app;
  }

  static OutgoingMessage Wechat(std::string openid, std::string template_id = "tmpl-repair-done") {
    OutgoingMessage message;
    message.message_id = "0b1c2d3e-4a5b-4c6d-8e7f-901234567890";
    message.tenant = "tenant-a";
    message.recipient = std::move(openid);
    message.template_code = std::move(template_id);
    message.params = {{"thing1", "张三"}, {"thing2", "更换DN100阀门后恢复供水"}, {"thing3", "🎉"}};
    message.extra["page"] = "pages/order/detail?id=42";
    message.extra["url"] = "https://example.com/orders/42";
    return message;
  }

  fake::FakeProvidersOptions defaults_;
  std::unique_ptr<fake::FakeProviders> fakes_;
};

// --- Aliyun -----------------------------------------------------------------------------

TEST_F(ChannelsTest, AliyunSendsChineseParamsIntactAndReturnsBizId) {
  AliyunSmsChannel channel(Aliyun());
  const SendResult result = channel.Send(Sms("13912345678"));
  ASSERT_EQ(result.outcome, Outcome::kSent) << result.reason;
  EXPECT_TRUE(absl::EndsWith(result.provider_message_id, "^0")) << result.provider_message_id;

  const std::vector<fake::FakeMessage> messages = fakes_->Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].provider, "aliyun-sms");
  EXPECT_EQ(messages[0].recipient, "13912345678");
  EXPECT_EQ(messages[0].template_code, "SMS_154950909");
  EXPECT_EQ(messages[0].sign_name, "清泉水务");
  EXPECT_EQ(messages[0].reference, "6f1c2d3e-4a5b-4c6d-8e7f-901234567890");
  EXPECT_EQ(messages[0].params, kChineseParams);
  EXPECT_EQ(messages[0].provider_message_id, result.provider_message_id);
}

TEST_F(ChannelsTest, AliyunThrottledIsRetryWithAHint) {
  const SendResult result = AliyunSmsChannel(Aliyun()).Send(Sms(fake::kPhoneThrottled));
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "isv.BUSINESS_LIMIT_CONTROL: ")) << result.reason;
  EXPECT_EQ(result.retry_after, 60s);
}

TEST_F(ChannelsTest, AliyunInvalidNumberTemplateOrSignFail) {
  AliyunSmsChannel channel(Aliyun());
  SendResult result = channel.Send(Sms(fake::kPhoneInvalid));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "isv.MOBILE_NUMBER_ILLEGAL: ")) << result.reason;

  result = channel.Send(Sms("13912345678", fake::kTemplateInvalid));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "isv.SMS_TEMPLATE_ILLEGAL: ")) << result.reason;

  AliyunSmsOptions bad_sign = Aliyun();
  bad_sign.sign_name = fake::kSignNameInvalid;
  result = AliyunSmsChannel(bad_sign).Send(Sms("13912345678"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "isv.SMS_SIGNATURE_ILLEGAL: ")) << result.reason;
  EXPECT_TRUE(fakes_->Messages().empty());
}

TEST_F(ChannelsTest, AliyunWrongSecretFailsWithSignatureDoesNotMatch) {
  AliyunSmsOptions options = Aliyun();
  options.access_key_secret = "not-the-secret";
  const SendResult result = AliyunSmsChannel(options).Send(Sms("13912345678"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "SignatureDoesNotMatch: ")) << result.reason;
  // The provider quotes its string to sign (with the phone number); the reason does not.
  EXPECT_FALSE(absl::StrContains(result.reason, "13912345678")) << result.reason;
}

TEST_F(ChannelsTest, AliyunUnknownAccessKeyFails) {
  AliyunSmsOptions options = Aliyun();
  options.access_key_id = "LTAIunknown";
  const SendResult result = AliyunSmsChannel(options).Send(Sms("13912345678"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "InvalidAccessKeyId.NotFound: ")) << result.reason;
}

TEST_F(ChannelsTest, AliyunServerErrorAndUnreachableAreRetry) {
  SendResult result = AliyunSmsChannel(Aliyun()).Send(Sms(fake::kPhoneServerError));
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "ServiceUnavailable: ")) << result.reason;

  AliyunSmsOptions options = Aliyun();
  options.endpoint = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/";
  result = AliyunSmsChannel(options).Send(Sms("13912345678"));
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "transport: ")) << result.reason;
}

TEST_F(ChannelsTest, AliyunHangingProviderIsRetryWithinTheTimeout) {
  AliyunSmsChannel channel(Aliyun());  // 1 s
  SendResult result;
  const auto elapsed = Timed([&] { result = channel.Send(Sms(fake::kPhoneHang)); });
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "timeout: ")) << result.reason;
  EXPECT_LT(elapsed, 2000ms);
}

TEST(AliyunSmsChannel, InterpretsThrottlingAndUnknownAnswers) {
  HttpResponse throttled{400, R"({"Code":"Throttling.User","Message":"Request was denied"})"};
  EXPECT_EQ(AliyunSmsChannel::Interpret(throttled).outcome, Outcome::kRetry);
  HttpResponse bad_gateway{502, "<html>bad gateway</html>"};
  EXPECT_EQ(AliyunSmsChannel::Interpret(bad_gateway).outcome, Outcome::kRetry);
  HttpResponse not_json{200, "hello"};
  EXPECT_EQ(AliyunSmsChannel::Interpret(not_json).outcome, Outcome::kFailed);
}

TEST(AliyunSmsChannel, SignsTheFormWithTheGivenTimeAndNonce) {
  AliyunSmsOptions options;
  options.access_key_id = "testId";
  options.access_key_secret = "testSecret";
  options.sign_name = "清泉水务";
  AliyunSmsChannel channel(options);
  const AliyunParams params = channel.SignedParams(
      Sms("13912345678"), absl::ToChronoTime(absl::FromUnixSeconds(1709280000)), "nonce-1");
  auto field = [&](const std::string& name) {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return std::string("<missing>");
  };
  EXPECT_EQ(field("Timestamp"), "2024-03-01T08:00:00Z");
  EXPECT_EQ(field("SignatureNonce"), "nonce-1");
  EXPECT_EQ(field("TemplateParam"),
            R"({"name":"张三","work":"更换DN100阀门后恢复供水","mood":"🎉"})");
  EXPECT_EQ(field("OutId"), "6f1c2d3e-4a5b-4c6d-8e7f-901234567890");
  EXPECT_EQ(field("Signature"), AliyunRpcSignature("POST", params, "testSecret"));
}

// --- Tencent ----------------------------------------------------------------------------

TEST_F(ChannelsTest, TencentSendsChineseParamsIntactAndReturnsSerialNo) {
  TencentSmsChannel channel(Tencent());
  const SendResult result = channel.Send(Sms("13912345678", "1234567"));
  ASSERT_EQ(result.outcome, Outcome::kSent) << result.reason;
  EXPECT_TRUE(absl::StartsWith(result.provider_message_id, "2640:")) << result.provider_message_id;

  const std::vector<fake::FakeMessage> messages = fakes_->Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].provider, "tencent-sms");
  EXPECT_EQ(messages[0].recipient, "+8613912345678");
  EXPECT_EQ(messages[0].template_code, "1234567");
  EXPECT_EQ(messages[0].sign_name, "清泉水务");
  EXPECT_EQ(messages[0].app_id, defaults_.tencent_sdk_app_id);
  EXPECT_EQ(messages[0].reference, "6f1c2d3e-4a5b-4c6d-8e7f-901234567890");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"1", "张三"}, {"2", "更换DN100阀门后恢复供水"}, {"3", "🎉"}};
  EXPECT_EQ(messages[0].params, expected);
}

TEST_F(ChannelsTest, TencentThrottledIsRetryWithAHint) {
  const SendResult result = TencentSmsChannel(Tencent()).Send(Sms(fake::kPhoneThrottled));
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "LimitExceeded.PhoneNumberThirtySecondLimit: "))
      << result.reason;
  EXPECT_EQ(result.retry_after, 30s);
}

TEST_F(ChannelsTest, TencentInvalidNumberOrTemplateFail) {
  TencentSmsChannel channel(Tencent());
  SendResult result = channel.Send(Sms(fake::kPhoneInvalid));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "InvalidParameterValue.IncorrectPhoneNumber: "))
      << result.reason;

  result = channel.Send(Sms("13912345678", fake::kTemplateInvalid));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "FailedOperation.TemplateIncorrectOrUnapproved: "))
      << result.reason;
  EXPECT_TRUE(fakes_->Messages().empty());
}

TEST_F(ChannelsTest, TencentWrongCredentialsFailWithAuthFailure) {
  TencentSmsOptions options = Tencent();
  options.secret_key = "not-the-key";
  SendResult result = TencentSmsChannel(options).Send(Sms("13912345678"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "AuthFailure.SignatureFailure: ")) << result.reason;

  options = Tencent();
  options.secret_id = "AKIDunknown";
  result = TencentSmsChannel(options).Send(Sms("13912345678"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "AuthFailure.SecretIdNotFound: ")) << result.reason;
}

TEST_F(ChannelsTest, TencentSignsWithTheInjectedClock) {
  // 2019-02-25: correctly signed, but too old for the provider.
  TencentSmsChannel channel(Tencent(), HttpClient(),
                            [] { return absl::ToChronoTime(absl::FromUnixSeconds(1551113065)); });
  const SendResult result = channel.Send(Sms("13912345678"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "AuthFailure.SignatureExpire: ")) << result.reason;

  const TencentSmsRequest request = channel.BuildRequest(Sms("13912345678"), 1551113065);
  std::map<std::string, std::string> headers(request.headers.begin(), request.headers.end());
  EXPECT_EQ(headers["X-TC-Timestamp"], "1551113065");
  EXPECT_EQ(headers["X-TC-Action"], "SendSms");
  EXPECT_EQ(headers["X-TC-Version"], "2021-01-11");
  EXPECT_EQ(headers["X-TC-Region"], "ap-guangzhou");
  EXPECT_TRUE(
      absl::StartsWith(headers["Authorization"],
                       "TC3-HMAC-SHA256 Credential=AKIDfakeSecretId/2019-02-25/sms/tc3_request, "
                       "SignedHeaders=content-type;host, Signature="))
      << headers["Authorization"];
}

TEST_F(ChannelsTest, TencentServerErrorAndHangAreRetry) {
  TencentSmsChannel channel(Tencent());
  SendResult result = channel.Send(Sms(fake::kPhoneServerError));
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_EQ(result.reason, "HTTP 502");

  const auto elapsed = Timed([&] { result = channel.Send(Sms(fake::kPhoneHang)); });
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "timeout: ")) << result.reason;
  EXPECT_LT(elapsed, 2000ms);
}

TEST(TencentSmsChannel, InterpretsRequestLevelErrors) {
  HttpResponse limited{
      200,
      R"({"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"too many"},"RequestId":"r"}})"};
  EXPECT_EQ(TencentSmsChannel::Interpret(limited).outcome, Outcome::kRetry);
  HttpResponse internal{
      200,
      R"({"Response":{"Error":{"Code":"InternalError.Timeout","Message":"x"},"RequestId":"r"}})"};
  EXPECT_EQ(TencentSmsChannel::Interpret(internal).outcome, Outcome::kRetry);
  HttpResponse auth{
      200,
      R"({"Response":{"Error":{"Code":"AuthFailure.SecretIdNotFound","Message":"x"},"RequestId":"r"}})"};
  EXPECT_EQ(TencentSmsChannel::Interpret(auth).outcome, Outcome::kFailed);
}

// --- WeChat -----------------------------------------------------------------------------

TEST_F(ChannelsTest, WechatSubscribeSendsIntactAndCachesTheToken) {
  WechatAccessTokenCache tokens;
  WechatSubscribeChannel channel(MiniProgram(), tokens);
  for (int i = 0; i < 10; ++i) {
    const SendResult result = channel.Send(Wechat("openid-alice"));
    ASSERT_EQ(result.outcome, Outcome::kSent) << result.reason;
    EXPECT_FALSE(result.provider_message_id.empty());
  }
  EXPECT_EQ(fakes_->TokenFetches("wxfakeminiprogram"), 1);
  const std::vector<fake::FakeMessage> messages = fakes_->Messages();
  ASSERT_EQ(messages.size(), 10u);
  EXPECT_EQ(messages[0].provider, "wechat-mp-subscribe");
  EXPECT_EQ(messages[0].recipient, "openid-alice");
  EXPECT_EQ(messages[0].template_code, "tmpl-repair-done");
  EXPECT_EQ(messages[0].page, "pages/order/detail?id=42");
  EXPECT_EQ(messages[0].app_id, "wxfakeminiprogram");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"thing1", "张三"}, {"thing2", "更换DN100阀门后恢复供水"}, {"thing3", "🎉"}};
  EXPECT_EQ(messages[0].params, expected);
}

TEST_F(ChannelsTest, WechatSubscribeMapsUserAndProviderErrors) {
  WechatAccessTokenCache tokens;
  WechatSubscribeChannel channel(MiniProgram(), tokens);
  SendResult result = channel.Send(Wechat(fake::kOpenidUnsubscribed));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "43101: the user has not accepted")) << result.reason;

  result = channel.Send(Wechat(fake::kOpenidInvalid));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "40003: ")) << result.reason;

  result = channel.Send(Wechat("openid-alice", fake::kWechatTemplateInvalid));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "40037: ")) << result.reason;

  result = channel.Send(Wechat(fake::kOpenidBusy));
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  result = channel.Send(Wechat(fake::kOpenidQuota));
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "45009: ")) << result.reason;
  EXPECT_EQ(fakes_->TokenFetches("wxfakeminiprogram"), 1);
}

TEST_F(ChannelsTest, WechatRefetchesTheTokenOnceWhenItIsRevokedOrExpired) {
  WechatAccessTokenCache tokens;
  WechatSubscribeChannel channel(MiniProgram(), tokens);
  ASSERT_EQ(channel.Send(Wechat("openid-alice")).outcome, Outcome::kSent);

  fakes_->RevokeTokens("wxfakeminiprogram");  // the next send answers 40001
  SendResult result = channel.Send(Wechat("openid-alice"));
  EXPECT_EQ(result.outcome, Outcome::kSent) << result.reason;
  EXPECT_EQ(fakes_->TokenFetches("wxfakeminiprogram"), 2);

  fakes_->ExpireTokens("wxfakeminiprogram");  // the next send answers 42001
  result = channel.Send(Wechat("openid-alice"));
  EXPECT_EQ(result.outcome, Outcome::kSent) << result.reason;
  EXPECT_EQ(fakes_->TokenFetches("wxfakeminiprogram"), 3);
  EXPECT_EQ(fakes_->Messages().size(), 3u);
}

TEST_F(ChannelsTest, WechatFetchesOneTokenForEightConcurrentSenders) {
  fakes_->SetTokenDelay(300ms);  // all eight arrive while the first fetch is in flight
  WechatAccessTokenCache tokens;
  WechatSubscribeChannel channel(MiniProgram(), tokens);
  std::atomic<int> ready{0};
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      ++ready;
      while (ready.load() < 8) std::this_thread::yield();
      if (channel.Send(Wechat("openid-alice")).outcome == Outcome::kSent) ++sent;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(sent.load(), 8);
  EXPECT_EQ(fakes_->TokenFetches("wxfakeminiprogram"), 1);
}

TEST_F(ChannelsTest, WechatRefreshesTheTokenShortlyBeforeItExpires) {
  auto now = SteadyClock::now();
  WechatAccessTokenCache tokens(HttpClient(), [&now] { return now; });
  WechatSubscribeChannel channel(MiniProgram(), tokens);
  ASSERT_EQ(channel.Send(Wechat("openid-alice")).outcome, Outcome::kSent);
  now += 6800s;  // 400 s left of 7200: still used
  ASSERT_EQ(channel.Send(Wechat("openid-alice")).outcome, Outcome::kSent);
  EXPECT_EQ(fakes_->TokenFetches("wxfakeminiprogram"), 1);
  now += 150s;  // 250 s left, under the 5 minute margin: refreshed
  ASSERT_EQ(channel.Send(Wechat("openid-alice")).outcome, Outcome::kSent);
  EXPECT_EQ(fakes_->TokenFetches("wxfakeminiprogram"), 2);
}

TEST_F(ChannelsTest, WechatWrongSecretFails) {
  WechatAppOptions app = MiniProgram();
  app.app_secret = "not-the-secret";
  WechatAccessTokenCache tokens;
  const SendResult result = WechatSubscribeChannel(app, tokens).Send(Wechat("openid-alice"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(result.reason, "access token: 40125: ")) << result.reason;
  EXPECT_FALSE(absl::StrContains(result.reason, "not-the-secret"));
}

TEST_F(ChannelsTest, WechatHangingProviderIsRetryWithinTheTimeout) {
  WechatAccessTokenCache tokens;
  WechatSubscribeChannel channel(MiniProgram(), tokens);  // 1 s for the whole send
  SendResult result;
  const auto elapsed = Timed([&] { result = channel.Send(Wechat(fake::kOpenidHang)); });
  EXPECT_EQ(result.outcome, Outcome::kRetry);
  EXPECT_TRUE(absl::StartsWith(result.reason, "timeout: ")) << result.reason;
  EXPECT_LT(elapsed, 2000ms);
}

TEST_F(ChannelsTest, WechatTemplateSendsWithUrlAndClientMsgId) {
  WechatAccessTokenCache tokens;
  WechatTemplateChannel channel(OfficialAccount(), tokens);
  const SendResult first = channel.Send(Wechat("openid-bob"));
  ASSERT_EQ(first.outcome, Outcome::kSent) << first.reason;
  // The same message again (a retry after a lost answer) is not sent twice.
  const SendResult again = channel.Send(Wechat("openid-bob"));
  ASSERT_EQ(again.outcome, Outcome::kSent) << again.reason;
  EXPECT_EQ(again.provider_message_id, first.provider_message_id);

  const std::vector<fake::FakeMessage> messages = fakes_->Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].provider, "wechat-oa-template");
  EXPECT_EQ(messages[0].page, "https://example.com/orders/42");
  EXPECT_EQ(messages[0].reference, "0b1c2d3e-4a5b-4c6d-8e7f-901234567890");
  EXPECT_EQ(messages[0].app_id, "wxfakeofficial");
  EXPECT_EQ(messages[0].params[1].second, "更换DN100阀门后恢复供水");

  const SendResult unfollowed = channel.Send(Wechat(fake::kOpenidUnsubscribed));
  EXPECT_EQ(unfollowed.outcome, Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(unfollowed.reason, "43004: ")) << unfollowed.reason;
}

// --- The fake's own endpoint ------------------------------------------------------------

TEST_F(ChannelsTest, FakeListsAcceptedMessagesAsJson) {
  ASSERT_EQ(AliyunSmsChannel(Aliyun()).Send(Sms("13912345678")).outcome, Outcome::kSent);
  const HttpResponse response = HttpClient().Get(fakes_->base_url() + "/_fake/messages", {}, 1s);
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_TRUE(absl::StartsWith(response.headers.at("content-type"), "application/json"));
  const boost::json::value list = boost::json::parse(response.body);
  ASSERT_EQ(list.as_array().size(), 1u);
  const boost::json::object& message = list.as_array()[0].as_object();
  EXPECT_EQ(message.at("provider").as_string(), "aliyun-sms");
  EXPECT_EQ(message.at("params").as_object().at("mood").as_string(), "🎉");
}

}  // namespace
}  // namespace qq::notification
