// Every page of the console: one folder under pages/ and one entry here. An entry says
// where the page lives, who may open it and where it sits in the menu; the layout builds
// the menu from this list, so a role never sees a menu entry it cannot use.
import {
  AppstoreOutlined,
  ApartmentOutlined,
  BellOutlined,
  BranchesOutlined,
  CarOutlined,
  ClockCircleOutlined,
  ThunderboltOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  FormOutlined,
  IdcardOutlined,
  MessageOutlined,
  PhoneOutlined,
  SettingOutlined,
  TagsOutlined,
  TeamOutlined,
  ToolOutlined,
} from "@ant-design/icons";
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from "react";
import type { Role } from "../auth/session";

export interface PageEntry {
  path: string;
  roles: readonly Role[];
  component: LazyExoticComponent<ComponentType>;
  /** Absent for pages reached from another page (a work order's detail). */
  menu?: { label: { zh: string; en: string }; icon: ReactNode; group?: MenuGroup };
}

/** Submenus; a page without a group sits at the top level. */
export type MenuGroup = "settings";
export const menuGroups: Record<MenuGroup, { label: { zh: string; en: string }; icon: ReactNode }> =
  {
    settings: { label: { zh: "设置", en: "Settings" }, icon: <SettingOutlined /> },
  };

const ORDER_DESK: readonly Role[] = ["agent", "dispatcher", "leader", "worker", "manager", "admin"];
const SETTINGS: readonly Role[] = ["admin", "manager"];
// Areas, teams, staff profiles and dispatch settings are the dispatch service's: its
// dispatchers keep them too.
const DISPATCH_SETTINGS: readonly Role[] = ["admin", "manager", "dispatcher"];

export const pages: PageEntry[] = [
  {
    path: "/hotline",
    roles: ["agent", "dispatcher", "admin"],
    component: lazy(() => import("./hotline/HotlinePage")),
    menu: { label: { zh: "来电工作台", en: "Hotline" }, icon: <PhoneOutlined /> },
  },
  {
    path: "/work-orders",
    roles: ORDER_DESK,
    component: lazy(() => import("./work-orders/WorkOrdersPage")),
    menu: { label: { zh: "工单", en: "Work orders" }, icon: <ToolOutlined /> },
  },
  {
    path: "/work-orders/:id",
    roles: ORDER_DESK,
    component: lazy(() => import("./work-orders/WorkOrderPage")),
  },
  {
    path: "/delivery-orders",
    roles: ["agent", "dispatcher", "leader", "courier", "manager", "admin"],
    component: lazy(() => import("./delivery-orders/DeliveryOrdersPage")),
    menu: { label: { zh: "配送订单", en: "Delivery orders" }, icon: <CarOutlined /> },
  },
  {
    path: "/dispatch",
    roles: ["dispatcher", "leader", "admin"],
    component: lazy(() => import("./dispatch-map/DispatchMapPage")),
    menu: { label: { zh: "调度地图", en: "Dispatch map" }, icon: <EnvironmentOutlined /> },
  },
  {
    path: "/customers",
    roles: ["agent", "dispatcher", "leader", "manager", "admin"],
    component: lazy(() => import("./customers/CustomersPage")),
    menu: { label: { zh: "客户档案", en: "Customers" }, icon: <TeamOutlined /> },
  },
  {
    path: "/dashboard",
    roles: ["manager", "leader", "admin"],
    component: lazy(() => import("./dashboard/DashboardPage")),
    menu: { label: { zh: "数据看板", en: "Dashboard" }, icon: <DashboardOutlined /> },
  },
  {
    path: "/settings/workflows",
    roles: SETTINGS,
    component: lazy(() => import("./settings-workflows/WorkflowsPage")),
    menu: {
      label: { zh: "流程", en: "Workflows" },
      icon: <BranchesOutlined />,
      group: "settings",
    },
  },
  {
    path: "/settings/sla",
    roles: SETTINGS,
    component: lazy(() => import("./settings-sla/SlaSettingsPage")),
    menu: { label: { zh: "时限", en: "SLA" }, icon: <ClockCircleOutlined />, group: "settings" },
  },
  {
    path: "/settings/fields",
    roles: SETTINGS,
    component: lazy(() => import("./settings-fields/FieldDefinitionsPage")),
    menu: {
      label: { zh: "自定义字段", en: "Custom fields" },
      icon: <FormOutlined />,
      group: "settings",
    },
  },
  {
    path: "/settings/tags",
    roles: SETTINGS,
    component: lazy(() => import("./settings-tags/TagsPage")),
    menu: { label: { zh: "标签", en: "Tags" }, icon: <TagsOutlined />, group: "settings" },
  },
  {
    path: "/settings/areas",
    roles: DISPATCH_SETTINGS,
    component: lazy(() => import("./settings-areas/AreasPage")),
    menu: {
      label: { zh: "服务片区", en: "Service areas" },
      icon: <EnvironmentOutlined />,
      group: "settings",
    },
  },
  {
    path: "/settings/teams",
    roles: DISPATCH_SETTINGS,
    component: lazy(() => import("./settings-teams/TeamsPage")),
    menu: { label: { zh: "班组", en: "Teams" }, icon: <ApartmentOutlined />, group: "settings" },
  },
  {
    path: "/settings/staff",
    roles: DISPATCH_SETTINGS,
    component: lazy(() => import("./settings-staff/StaffPage")),
    menu: {
      label: { zh: "人员档案", en: "Staff profiles" },
      icon: <IdcardOutlined />,
      group: "settings",
    },
  },
  {
    path: "/settings/dispatch",
    roles: DISPATCH_SETTINGS,
    component: lazy(() => import("./settings-dispatch/DispatchSettingsPage")),
    menu: {
      label: { zh: "派单设置", en: "Dispatch settings" },
      icon: <SettingOutlined />,
      group: "settings",
    },
  },
  {
    // Agents read and preview the templates (what the customer will get); managers edit.
    path: "/settings/notification-templates",
    roles: ["admin", "manager", "agent"],
    component: lazy(() => import("./settings-notification-templates/NotificationTemplatesPage")),
    menu: {
      label: { zh: "通知模板", en: "Notification templates" },
      icon: <MessageOutlined />,
      group: "settings",
    },
  },
  {
    path: "/settings/notifications",
    roles: SETTINGS,
    component: lazy(() => import("./settings-notifications/NotificationSettingsPage")),
    menu: {
      label: { zh: "通知设置", en: "Notification settings" },
      icon: <BellOutlined />,
      group: "settings",
    },
  },
  {
    // Agents read the rules and their firings (why a customer got a message); managers edit.
    path: "/settings/rules",
    roles: ["admin", "manager", "agent"],
    component: lazy(() => import("./settings-rules/RulesPage")),
    menu: {
      label: { zh: "规则", en: "Rules" },
      icon: <ThunderboltOutlined />,
      group: "settings",
    },
  },
];

/** The pages a user with `roles` may open. */
export function pagesFor(roles: readonly Role[]): PageEntry[] {
  return pages.filter((p) => p.roles.some((r) => roles.includes(r)));
}

export const fallbackIcon = <AppstoreOutlined />;
