// The tenant's workflows give the labels of states and transitions (each work-order type
// has its own: CREATED is 待派单 for a repair and 待处理 for a complaint) and, on a work
// order's page, the transitions the caller may take.
import { api, client } from "../../api/client";
import { getSession, type Role, type Session } from "../../auth/session";
import type { WorkOrder, Workflow, WorkflowTransition } from "./model";
import { useRemote } from "../../components/remote";

let cached: { tenant: string; promise: Promise<Workflow[]> } | null = null;

function loadWorkflows(): Promise<Workflow[]> {
  const tenant = getSession()?.tenant ?? "";
  if (!cached || cached.tenant !== tenant) {
    const promise = api(() => client.GET("/v1/workflows")).then((r) => r.workflows ?? []);
    // A failure is not kept: the next page asks again.
    promise.catch(() => {
      if (cached?.promise === promise) cached = null;
    });
    cached = { tenant, promise };
  }
  return cached.promise;
}

/** Forget the loaded workflows (after one was changed): the next page asks again. */
export function invalidateWorkflows(): void {
  cached = null;
}

export interface Workflows {
  byKind: Map<string, Workflow>;
  /** The label of `state` in `kind`'s workflow (the state's name when unknown). */
  stateLabel: (kind: string | undefined, state: string | undefined) => string;
  /** Every state name of every kind with its labels, e.g. CREATED → 待派单 / 已受理. */
  allStates: { name: string; label: string }[];
}

export function labelOfState(workflow: Workflow | undefined, state: string | undefined): string {
  if (!state) return "";
  return workflow?.states?.find((s) => s.name === state)?.label || state;
}

export function labelOfTransition(workflow: Workflow | undefined, name: string | undefined) {
  if (!name) return "";
  return workflow?.transitions?.find((t) => t.name === name)?.label || name;
}

/** The current workflow of every kind (labels for lists). */
export function useWorkflows(): Workflows {
  const remote = useRemote("workflows", loadWorkflows);
  const byKind = new Map<string, Workflow>();
  for (const wf of remote.data ?? []) if (wf.kind) byKind.set(wf.kind, wf);
  const labels = new Map<string, string[]>();
  for (const wf of remote.data ?? []) {
    if (wf.kind === "DELIVERY") continue;
    for (const s of wf.states ?? []) {
      if (!s.name) continue;
      const list = labels.get(s.name) ?? [];
      if (s.label && !list.includes(s.label)) list.push(s.label);
      labels.set(s.name, list);
    }
  }
  return {
    byKind,
    stateLabel: (kind, state) => labelOfState(kind ? byKind.get(kind) : undefined, state),
    allStates: [...labels.entries()].map(([name, l]) => ({
      name,
      label: l.length ? `${l.join(" / ")}` : name,
    })),
  };
}

const OVERRIDE_ASSIGNEE: Role[] = ["leader", "manager", "dispatcher", "admin"];

/**
 * The transitions `session` may take on `order` now: from its state, for one of the
 * user's roles (admin always; no roles: any staff), and for "assignee only" steps only
 * the assignee, or a leader, dispatcher, manager or admin.
 */
export function availableTransitions(
  workflow: Workflow | undefined,
  order: WorkOrder,
  session: Session | null,
): WorkflowTransition[] {
  if (!workflow || !session || !order.state) return [];
  const roles = session.roles;
  const isAdmin = roles.includes("admin");
  return (workflow.transitions ?? []).filter((t) => {
    if (!t.from?.includes(order.state!)) return false;
    const allowed = !t.roles?.length || isAdmin || t.roles.some((r) => roles.includes(r as Role));
    if (!allowed) return false;
    if (t.assigneeOnly && order.assigneeId && order.assigneeId !== session.userId) {
      return roles.some((r) => OVERRIDE_ASSIGNEE.includes(r));
    }
    return true;
  });
}
