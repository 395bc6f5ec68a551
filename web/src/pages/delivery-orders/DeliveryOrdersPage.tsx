// 配送订单: delivery orders (create, change, cancel, the tickets saga's outcome) and, on a
// second tab, standing orders (定期送水) with pause and resume.
import { Card, Tabs, Typography } from "antd";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client } from "../../api/client";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import { OrdersTab } from "./OrdersTab";
import type { Workflow } from "./shared";
import { StandingOrdersTab } from "./StandingOrdersTab";

export default function DeliveryOrdersPage() {
  const t = useT(messages);
  const [workflow, setWorkflow] = useState<Workflow | null>(null);
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "standing" ? "standing" : "orders";

  useEffect(() => {
    let live = true;
    api(() => client.GET("/v1/workflows/{kind}", { params: { path: { kind: "DELIVERY" } } })).then(
      (w) => live && setWorkflow(w),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      styles={{ body: { paddingTop: 4 } }}
    >
      <Tabs
        activeKey={tab}
        onChange={(key) =>
          setParams(key === "standing" ? { tab: "standing" } : {}, { replace: true })
        }
        items={[
          { key: "orders", label: t("tabOrders"), children: <OrdersTab workflow={workflow} /> },
          { key: "standing", label: t("tabStanding"), children: <StandingOrdersTab /> },
        ]}
      />
    </Card>
  );
}
