#include "services/common/status.h"

#include <gtest/gtest.h>

#include "services/common/grpc_status.h"
#include "services/common/redis_client.h"

namespace qq {
namespace {

TEST(Status, MapsCodesToHttpLikeGrpcGateway) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDeadlineExceeded), 504);
}

TEST(Status, ErrorJsonCarriesCodeMessageAndField) {
  EXPECT_EQ(
      ErrorJson(InvalidField("phones[0]", "bad \"number\"")),
      R"({"error":{"code":"INVALID_ARGUMENT","message":"phones[0]: bad \"number\"","field":"phones[0]"}})");
  EXPECT_EQ(ErrorJson(absl::NotFoundError("no such customer")),
            R"({"error":{"code":"NOT_FOUND","message":"no such customer"}})");
}

TEST(Status, FieldSurvivesTheTripThroughGrpc) {
  absl::Status original = WithField(absl::NotFoundError("no such customer"), "customerId");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(back.message(), "no such customer");
  EXPECT_EQ(FieldOf(back), "customerId");
  EXPECT_TRUE(FromGrpcStatus(ToGrpcStatus(absl::OkStatus())).ok());
}

TEST(Status, HttpStatusOverrideSurvivesGrpc) {
  absl::Status reused = WithHttpStatus(absl::FailedPreconditionError("key reused"), 422);
  EXPECT_EQ(HttpStatusFor(reused), 422);
  EXPECT_EQ(HttpStatusFor(absl::FailedPreconditionError("plain")), 400);
  EXPECT_EQ(HttpStatusFor(FromGrpcStatus(ToGrpcStatus(reused))), 422);
  absl::Status coded = WithErrorCode(reused, "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(ErrorCodeOf(FromGrpcStatus(ToGrpcStatus(coded))), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_NE(ErrorJson(coded).find(R"("code":"IDEMPOTENCY_KEY_REUSED")"), std::string::npos);
  EXPECT_NE(ErrorJson(reused).find(R"("code":"FAILED_PRECONDITION")"), std::string::npos);
  absl::Status with_params = WithErrorParams(coded, {{"max", "60"}, {"length", "61"}});
  EXPECT_EQ(ErrorParamsOf(FromGrpcStatus(ToGrpcStatus(with_params))),
            (std::map<std::string, std::string>{{"length", "61"}, {"max", "60"}}));
}

TEST(Status, MacrosPropagate) {
  auto fails = []() -> absl::StatusOr<int> { return absl::InternalError("x"); };
  auto use = [&]() -> absl::Status {
    QQ_ASSIGN_OR_RETURN(int v, fails());
    (void)v;
    return absl::OkStatus();
  };
  EXPECT_EQ(use().code(), absl::StatusCode::kInternal);
  auto check = []() -> absl::Status {
    QQ_RETURN_IF_ERROR(absl::AlreadyExistsError("y"));
    return absl::OkStatus();
  };
  EXPECT_EQ(check().code(), absl::StatusCode::kAlreadyExists);
}

TEST(JsonQuote, EscapesControlCharactersAndKeepsUtf8) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01张"), "\"a\\\"b\\\\c\\n\\u0001张\"");
}

}  // namespace
TEST(StatusOfRedisError, NotNowIsUnavailableAndABugIsInternal) {
  EXPECT_EQ(StatusOfRedisError("LOADING Redis is loading the dataset in memory").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(HttpStatusFor(StatusOfRedisError("LOADING Redis is loading the dataset in memory")),
            503);
  EXPECT_EQ(StatusOfRedisError("BUSY Redis is busy running a script").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusOfRedisError("MASTERDOWN Link with MASTER is down").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusOfRedisError("WRONGTYPE Operation against a key").code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(StatusOfRedisError("ERR unknown command").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(StatusOfRedisError("LOADINGX").code(), absl::StatusCode::kInternal);
}

}  // namespace qq
