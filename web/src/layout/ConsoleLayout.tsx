// The console's frame: the menu built from the page registry for the user's roles, the
// header (user, language, log out), a banner while the network is down, and the page.
import { LogoutOutlined } from "@ant-design/icons";
import { Alert, Button, Layout, Menu, Space, Spin, Typography } from "antd";
import type { ItemType } from "antd/es/menu/interface";
import { Suspense } from "react";
import { Outlet, useLocation, useNavigate } from "react-router-dom";
import { useConnectionLost } from "../api/connection";
import { setSession, type Session } from "../auth/session";
import { setLanguage, useLanguage } from "../i18n/language";
import { useT } from "../i18n/messages";
import { menuGroups, pagesFor, type MenuGroup, type PageEntry } from "../pages/registry";
import { PageErrorBoundary } from "./PageErrorBoundary";
import { messages } from "./messages";
import { roleNames } from "./roleNames";

export function ConsoleLayout({ session }: { session: Session }) {
  const t = useT(messages);
  const language = useLanguage();
  const navigate = useNavigate();
  const location = useLocation();
  const lost = useConnectionLost();
  const menuPages = pagesFor(session.roles).filter((p) => p.menu);
  const item = (p: PageEntry) => ({
    key: p.path,
    icon: p.menu!.icon,
    label: p.menu!.label[language],
    onClick: () => navigate(p.path),
  });
  // Top-level pages in registry order; a group's pages under one submenu where its first
  // page would be.
  const menuItems: ItemType[] = [];
  const groupsPlaced = new Set<MenuGroup>();
  for (const p of menuPages) {
    const group = p.menu!.group;
    if (!group) {
      menuItems.push(item(p));
    } else if (!groupsPlaced.has(group)) {
      groupsPlaced.add(group);
      menuItems.push({
        key: `group:${group}`,
        icon: menuGroups[group].icon,
        label: menuGroups[group].label[language],
        children: menuPages.filter((q) => q.menu!.group === group).map(item),
      });
    }
  }
  const openGroups = menuPages
    .filter((p) => p.menu!.group && location.pathname.startsWith(p.path))
    .map((p) => `group:${p.menu!.group}`);
  const selected = menuPages
    .map((p) => p.path)
    .filter((path) => location.pathname === path || location.pathname.startsWith(path + "/"));

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider width={184} breakpoint="lg" collapsedWidth={56} theme="light">
        <div className="qq-brand">
          <img src="/favicon.svg" alt="" width={22} height={22} /> {t("brand")}
        </div>
        <Menu
          mode="inline"
          selectedKeys={selected}
          defaultOpenKeys={openGroups}
          data-testid="main-menu"
          items={menuItems}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="qq-header">
          <Space size="middle">
            <Typography.Text data-testid="current-user">
              {session.displayName}
              <Typography.Text type="secondary">
                {" · "}
                {session.roles.map((r) => roleNames[r]?.[language] ?? r).join("、")}
                {" · "}
                {session.tenant}
              </Typography.Text>
            </Typography.Text>
            <Button size="small" onClick={() => setLanguage(language === "zh" ? "en" : "zh")}>
              {t("language")}
            </Button>
            <Button
              size="small"
              icon={<LogoutOutlined />}
              onClick={() => {
                setSession(null);
                navigate("/login", { replace: true });
              }}
            >
              {t("logout")}
            </Button>
          </Space>
        </Layout.Header>
        {lost && (
          <Alert type="warning" banner title={t("connectionLost")} data-testid="connection-lost" />
        )}
        <Layout.Content className="qq-content">
          <PageErrorBoundary key={location.pathname}>
            <Suspense fallback={<Spin style={{ margin: 48 }} description={t("loading")} />}>
              <Outlet />
            </Suspense>
          </PageErrorBoundary>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
