import { defineMessages } from "../../i18n/messages";

export const messages = defineMessages({
  zh: {
    title: "清泉 客服与配送控制台",
    tenant: "租户",
    tenantHint: "如 utility-demo",
    username: "用户名",
    password: "密码",
    submit: "登录",
    required: "请填写{field}",
    wrongPassword: "用户名或密码不正确",
    throttled: "尝试次数过多，请稍后再试",
    failed: "登录失败：{message}",
    language: "English",
  },
  en: {
    title: "Qingquan service & delivery console",
    tenant: "Tenant",
    tenantHint: "e.g. utility-demo",
    username: "Username",
    password: "Password",
    submit: "Log in",
    required: "{field} is required",
    wrongPassword: "Wrong username or password",
    throttled: "Too many attempts; try again later",
    failed: "Login failed: {message}",
    language: "中文",
  },
});
