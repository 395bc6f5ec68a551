import type { Role } from "../auth/session";

export const roleNames: Record<Role, { zh: string; en: string }> = {
  admin: { zh: "管理员", en: "Admin" },
  agent: { zh: "客服", en: "Agent" },
  dispatcher: { zh: "调度", en: "Dispatcher" },
  leader: { zh: "组长", en: "Team leader" },
  worker: { zh: "维修工", en: "Worker" },
  courier: { zh: "配送员", en: "Courier" },
  manager: { zh: "经理", en: "Manager" },
  finance: { zh: "财务", en: "Finance" },
};
