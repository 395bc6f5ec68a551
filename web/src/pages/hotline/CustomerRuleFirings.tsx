// The 360 view's 规则记录 card: the rules that fired for the customer, newest first, each
// opening to the facts it saw, the condition leaf by leaf and each action's outcome.
import { Card, Space, Typography } from "antd";
import { FiringList } from "../../components/rules/FiringList";
import { useT } from "../../i18n/messages";
import { hasRole } from "../settings-teams/data";
import { messages } from "./messages";

// Who may read the firing log (the service checks again).
const FIRING_ROLES = ["agent", "manager", "admin"] as const;

export function CustomerRuleFirings({ customerId }: { customerId: string }) {
  const t = useT(messages);
  if (!hasRole(FIRING_ROLES)) return null;
  return (
    <Card
      size="small"
      title={
        <Space size={8}>
          {t("ruleFirings")}
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: "normal" }}>
            {t("ruleFiringsHelp")}
          </Typography.Text>
        </Space>
      }
      data-testid="customer-rule-firings"
    >
      <FiringList
        filter={{ customerId }}
        testId="customer-firing-list"
        showWho={false}
        pageSize={5}
      />
    </Card>
  );
}
