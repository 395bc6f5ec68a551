import { defineMessages } from "../i18n/messages";

export const messages = defineMessages({
  zh: {
    brand: "清泉",
    logout: "退出登录",
    language: "English",
    connectionLost: "网络连接中断，正在重试…",
    sessionExpired: "登录已过期，请重新登录；刚才填写的内容已保留。",
    notFound: "页面不存在",
    forbidden: "您的角色无权打开此页面",
    backHome: "返回首页",
    loading: "加载中…",
    pageCrashed: "页面出错了",
    reload: "重新加载",
  },
  en: {
    brand: "Qingquan",
    logout: "Log out",
    language: "中文",
    connectionLost: "Connection lost, retrying…",
    sessionExpired: "Your session expired; log in again. What you typed is kept.",
    notFound: "Page not found",
    forbidden: "Your role cannot open this page",
    backHome: "Back to start",
    loading: "Loading…",
    pageCrashed: "Something went wrong on this page",
    reload: "Reload",
  },
});
