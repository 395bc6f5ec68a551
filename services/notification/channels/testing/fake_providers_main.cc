// qq-fake-providers: the fake Aliyun SMS, Tencent Cloud SMS and WeChat APIs as a process,
// for tests that run the notification service against them (see fake_providers.h for the
// endpoints and magic inputs). Runs until SIGINT or SIGTERM.
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "services/notification/channels/testing/fake_providers.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "address to listen on");
ABSL_FLAG(int, port, 0, "port to listen on; 0 picks a free one (printed on stdout)");
ABSL_FLAG(std::string, aliyun_access_key_id, "LTAIfakeAccessKeyId", "accepted AccessKeyId");
ABSL_FLAG(std::string, aliyun_access_key_secret, "fake-aliyun-secret", "its AccessKeySecret");
ABSL_FLAG(std::string, tencent_secret_id, "AKIDfakeSecretId", "accepted SecretId");
ABSL_FLAG(std::string, tencent_secret_key, "fake-tencent-secret", "its SecretKey");
ABSL_FLAG(std::string, tencent_sdk_app_id, "1400000001", "accepted SmsSdkAppId");
ABSL_FLAG(std::string, wechat_apps,
          "wxfakeminiprogram:fake-mp-secret,wxfakeofficial:fake-oa-secret",
          "WeChat apps as appid:secret,…");
ABSL_FLAG(int, token_lifetime_seconds, 7200, "expires_in of WeChat access tokens");
ABSL_FLAG(int, hang_ms, 10000, "how long the hang-mode inputs wait before answering");

namespace {
int g_stop_pipe[2] = {-1, -1};
}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  qq::notification::testing::FakeProvidersOptions options;
  options.host = absl::GetFlag(FLAGS_host);
  options.port = absl::GetFlag(FLAGS_port);
  options.aliyun_access_key_id = absl::GetFlag(FLAGS_aliyun_access_key_id);
  options.aliyun_access_key_secret = absl::GetFlag(FLAGS_aliyun_access_key_secret);
  options.tencent_secret_id = absl::GetFlag(FLAGS_tencent_secret_id);
  options.tencent_secret_key = absl::GetFlag(FLAGS_tencent_secret_key);
  options.tencent_sdk_app_id = absl::GetFlag(FLAGS_tencent_sdk_app_id);
  options.wechat_apps.clear();
  for (absl::string_view app :
       absl::StrSplit(absl::GetFlag(FLAGS_wechat_apps), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> id_secret = absl::StrSplit(app, absl::MaxSplits(':', 1));
    options.wechat_apps[id_secret.first] = id_secret.second;
  }
  options.token_lifetime = std::chrono::seconds(absl::GetFlag(FLAGS_token_lifetime_seconds));
  options.hang_for = std::chrono::milliseconds(absl::GetFlag(FLAGS_hang_ms));

  // Threads started by libraries before main may take the signal, so a handler (not
  // sigwait on a blocked set) wakes main through a pipe.
  if (pipe(g_stop_pipe) != 0) return 1;
  struct sigaction action {};
  action.sa_handler = [](int) {
    const char byte = 1;
    (void)!write(g_stop_pipe[1], &byte, 1);
  };
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  qq::notification::testing::FakeProviders fakes(options);
  if (absl::Status started = fakes.Start(); !started.ok()) {
    std::fprintf(stderr, "qq-fake-providers: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  std::printf("listening on %s\n", fakes.base_url().c_str());
  std::fflush(stdout);
  char byte = 0;
  while (read(g_stop_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  fakes.Stop();
  return 0;
}
