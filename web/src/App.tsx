// Routes, locale and session handling. Signed out, every route leads to /login with the
// page the user was on remembered; signed in, each registry page is a route guarded by
// its roles.
import { App as AntApp, ConfigProvider, Result, Button } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useEffect, useSyncExternalStore } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { onSessionExpired } from "./api/client";
import { getSession, onSessionChange, setSession, type Session } from "./auth/session";
import { useLanguage } from "./i18n/language";
import { useT } from "./i18n/messages";
import { ConsoleLayout } from "./layout/ConsoleLayout";
import { messages } from "./layout/messages";
import LoginPage from "./pages/login/LoginPage";
import { pages, pagesFor } from "./pages/registry";
import "./styles.css";

function useSession(): Session | null {
  return useSyncExternalStore((l) => onSessionChange(l), getSession);
}

/** Where a user lands: the first menu page their roles open. */
export function homeFor(session: Session): string {
  return pagesFor(session.roles).find((p) => p.menu)?.path ?? "/forbidden";
}

function RequireSession({ session }: { session: Session | null }) {
  const location = useLocation();
  if (!session) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <ConsoleLayout session={session} />;
}

function Missing({ kind }: { kind: "notFound" | "forbidden" }) {
  const t = useT(messages);
  const navigate = useNavigate();
  return (
    <Result
      status={kind === "notFound" ? "404" : "403"}
      title={t(kind)}
      extra={<Button onClick={() => navigate("/")}>{t("backHome")}</Button>}
    />
  );
}

function SessionWatch() {
  const { message } = AntApp.useApp();
  const t = useT(messages);
  useEffect(
    () =>
      onSessionExpired(() => {
        message.warning(t("sessionExpired"), 6);
      }),
    [message, t],
  );
  // The token's own expiry, for a tab left open without requests.
  const session = useSession();
  useEffect(() => {
    if (!session) return;
    const ms = session.expiresAt - Date.now();
    const timer = setTimeout(
      () => {
        message.warning(t("sessionExpired"), 6);
        setSession(null);
      },
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    return () => clearTimeout(timer);
  }, [session, message, t]);
  return null;
}

function Home({ session }: { session: Session | null }) {
  if (!session) return <Navigate to="/login" replace />;
  return <Navigate to={homeFor(session)} replace />;
}

export function App() {
  const language = useLanguage();
  const session = useSession();
  useEffect(() => {
    dayjs.locale(language === "zh" ? "zh-cn" : "en");
  }, [language]);
  const allowed = new Set(session ? pagesFor(session.roles) : []);
  return (
    <ConfigProvider locale={language === "zh" ? zhCN : enUS} theme={{ token: { borderRadius: 4 } }}>
      <AntApp>
        <BrowserRouter>
          <SessionWatch />
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/" element={<Home session={session} />} />
            <Route element={<RequireSession session={session} />}>
              {pages.map((p) => (
                <Route
                  key={p.path}
                  path={p.path}
                  element={allowed.has(p) ? <p.component /> : <Missing kind="forbidden" />}
                />
              ))}
              <Route path="*" element={<Missing kind="notFound" />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
