#include "gateway/error_messages.h"

#include <map>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

// The fields people fill in, by the last part of their JSON path ("addresses[0].text" →
// "text"), as the console labels them.
const std::map<std::string, std::string, std::less<>>& FieldLabels() {
  static const auto* labels = new std::map<std::string, std::string, std::less<>>{
      {"name", "名称"},
      {"phones", "电话"},
      {"phone", "电话"},
      {"notes", "备注"},
      {"text", "地址"},
      {"deliveryNotes", "送货备注"},
      {"description", "描述"},
      {"result", "处理结果"},
      {"comment", "说明"},
      {"reason", "原因"},
      {"summary", "摘要"},
      {"product", "商品"},
      {"quantity", "数量"},
      {"items", "商品"},
      {"customerId", "客户"},
      {"addressId", "地址"},
      {"assigneeId", "处理人"},
      {"courierId", "送水员"},
      {"userId", "员工"},
      {"idNumber", "证件号"},
      {"birthday", "生日"},
      {"tags", "标签"},
      {"label", "显示名称"},
      {"fileName", "文件名"},
      {"transition", "操作"},
      {"type", "类型"},
      {"channel", "渠道"},
      {"urgency", "紧急程度"},
      {"payment", "付款方式"},
      {"score", "评分"},
      {"q", "搜索词"},
      {"pageSize", "每页条数"},
      {"pageToken", "页码"},
      {"updateMask", "修改的字段"},
      {"Idempotency-Key", "Idempotency-Key"},
      {"id", ""},  // the path's own id: "the record" in the generic words
  };
  return *labels;
}

// "addresses[0].deliveryNotes" → 送货备注 (第 1 个); an unknown field keeps its path.
std::string FieldLabel(absl::string_view path) {
  if (path.empty()) return "";
  absl::string_view last = path.substr(path.find_last_of('.') + 1);
  std::string index;
  if (size_t bracket = last.find('['); bracket != absl::string_view::npos) {
    int n = 0;
    if (absl::SimpleAtoi(last.substr(bracket + 1, last.find(']') - bracket - 1), &n)) {
      index = absl::StrCat("（第 ", n + 1, " 个）");
    }
    last = last.substr(0, bracket);
  }
  auto found = FieldLabels().find(last);
  if (found == FieldLabels().end()) return std::string(path);
  return found->second + index;
}

std::string Param(const std::map<std::string, std::string>& params, const char* name) {
  auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

// The message of a known error code; "" when the catalog does not know it.
std::string ByErrorCode(const std::string& code, const std::string& field,
                        const std::map<std::string, std::string>& params) {
  if (code == "TEXT_TOO_LONG") {
    return absl::StrCat(field, "最多 ", Param(params, "max"), " 个字符，现在有 ",
                        Param(params, "length"), " 个");
  }
  if (code == "IDEMPOTENCY_KEY_REUSED") {
    return "这个 Idempotency-Key 已用于另一个请求，请换一个";
  }
  return "";
}

std::string ByStatusCode(absl::StatusCode code, const std::string& field) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return field.empty() ? "填写的内容有误" : absl::StrCat(field, "填写有误");
    case absl::StatusCode::kNotFound:
      return field.empty() ? "找不到要查看的记录" : absl::StrCat(field, "不存在");
    case absl::StatusCode::kAlreadyExists:
      return field.empty() ? "已经存在" : absl::StrCat(field, "已被使用");
    case absl::StatusCode::kFailedPrecondition:
      return "当前状态下不能这样操作";
    case absl::StatusCode::kPermissionDenied:
      return "没有权限执行此操作";
    case absl::StatusCode::kUnauthenticated:
      return "请登录后再试（租户、用户名或密码不对，或登录已过期）";
    case absl::StatusCode::kResourceExhausted:
      return "请求太多或内容太大，请稍后再试";
    case absl::StatusCode::kAborted:
      return "同一请求正在处理，请稍后再试";
    case absl::StatusCode::kUnavailable:
      return "服务暂时不可用，请稍后重试";
    case absl::StatusCode::kDeadlineExceeded:
      return "服务响应超时，请稍后重试";
    case absl::StatusCode::kUnimplemented:
      return "不支持此操作";
    default:
      return "系统内部错误，请联系管理员";
  }
}

}  // namespace

Language LanguageOf(absl::string_view accept_language) {
  // "en-US,en;q=0.9,zh-CN;q=0.8": the language with the highest quality wins; ties go to
  // the first named.
  double best_quality = -1;
  Language best = Language::kChinese;
  for (absl::string_view item : absl::StrSplit(accept_language, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    absl::string_view tag = absl::StripAsciiWhitespace(parts[0]);
    double quality = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&p, "q=") && !absl::SimpleAtod(p, &quality)) quality = 0;
    }
    const std::string lower = absl::AsciiStrToLower(tag);
    std::optional<Language> language;
    if (lower == "en" || absl::StartsWith(lower, "en-")) language = Language::kEnglish;
    if (lower == "zh" || absl::StartsWith(lower, "zh-")) language = Language::kChinese;
    if (language && quality > 0 && quality > best_quality) {  // q=0: "not this one"
      best_quality = quality;
      best = *language;
    }
  }
  return best;
}

std::string ErrorMessage(const absl::Status& status, Language language) {
  if (language == Language::kEnglish) return std::string(status.message());
  const std::string field = FieldLabel(FieldOf(status));
  std::string message = ByErrorCode(ErrorCodeOf(status), field, ErrorParamsOf(status));
  return message.empty() ? ByStatusCode(status.code(), field) : message;
}

std::string LocalizedErrorJson(const absl::Status& status, Language language) {
  std::string code = ErrorCodeOf(status);
  if (code.empty()) code = CodeName(status.code());
  const std::string message = ErrorMessage(status, language);
  std::string out =
      absl::StrCat("{\"error\":{\"code\":", JsonQuote(code), ",\"message\":", JsonQuote(message));
  if (message != status.message())
    absl::StrAppend(&out, ",\"detail\":", JsonQuote(status.message()));
  const std::string field = FieldOf(status);
  if (!field.empty()) absl::StrAppend(&out, ",\"field\":", JsonQuote(field));
  out += "}}";
  return out;
}

}  // namespace qq::gateway
