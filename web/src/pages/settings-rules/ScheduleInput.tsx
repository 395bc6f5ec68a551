// A schedule as the server writes it ("daily 09:00", "weekly MON,FRI 08:30", "every 10
// minutes", "every 2 hours"), built from a few controls or typed; its meaning in words
// beside it. A Form control: value / onChange.
import { Checkbox, Input, InputNumber, Select, Space, Typography } from "antd";
import { useState } from "react";
import {
  WEEKDAYS,
  formatSchedule,
  parseSchedule,
  scheduleText,
  weekdayLabels,
  type Schedule,
} from "../../components/rules/catalog";
import { messages as ruleMessages } from "../../components/rules/messages";
import { labelOf } from "../../components/labels";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";

type Kind = Schedule["kind"] | "text";

export function ScheduleInput({
  value = "",
  onChange,
  disabled,
}: {
  value?: string;
  onChange?: (v: string) => void;
  disabled?: boolean;
}) {
  const t = useT(messages);
  const rt = useT(ruleMessages);
  const language = useLanguage();
  const parsed = parseSchedule(value);
  const [typing, setTyping] = useState(false);
  const kind: Kind = typing || !parsed ? "text" : parsed.kind;
  const time = parsed && "time" in parsed ? parsed.time : "09:00";
  const set = (s: Schedule) => onChange?.(formatSchedule(s));

  const pickKind = (k: Kind) => {
    setTyping(k === "text");
    if (k === "daily") set({ kind: "daily", time });
    else if (k === "weekly") set({ kind: "weekly", days: ["MON"], time });
    else if (k === "minutes") set({ kind: "minutes", n: 30 });
    else if (k === "hours") set({ kind: "hours", n: 1 });
  };

  return (
    <div style={{ display: "grid", gap: 6 }}>
      <Space size={8} wrap>
        <Select<Kind>
          value={kind}
          onChange={pickKind}
          disabled={disabled}
          style={{ width: 150 }}
          data-testid="schedule-kind"
          options={[
            { value: "daily", label: t("schedDaily") },
            { value: "weekly", label: t("schedWeekly") },
            { value: "minutes", label: t("schedMinutes") },
            { value: "hours", label: t("schedHours") },
            { value: "text", label: t("schedText") },
          ]}
        />
        {parsed?.kind === "weekly" && !typing && (
          <Checkbox.Group
            value={parsed.days}
            disabled={disabled}
            onChange={(days) =>
              set({ kind: "weekly", days: WEEKDAYS.filter((d) => days.includes(d)), time })
            }
            options={WEEKDAYS.map((d) => ({
              value: d,
              label: labelOf(weekdayLabels, d, language),
            }))}
          />
        )}
        {(parsed?.kind === "daily" || parsed?.kind === "weekly") && !typing && (
          <Input
            value={time}
            disabled={disabled}
            style={{ width: 90 }}
            maxLength={5}
            placeholder="09:00"
            data-testid="schedule-time"
            onChange={(e) =>
              set(
                parsed.kind === "weekly"
                  ? { ...parsed, time: e.target.value }
                  : { kind: "daily", time: e.target.value },
              )
            }
          />
        )}
        {(parsed?.kind === "minutes" || parsed?.kind === "hours") && !typing && (
          <InputNumber
            value={parsed.n}
            disabled={disabled}
            precision={0}
            min={1}
            style={{ width: 100 }}
            data-testid="schedule-n"
            onChange={(n) => set({ kind: parsed.kind, n: n ?? 1 })}
          />
        )}
      </Space>
      <Space size={8} wrap>
        <Input
          value={value}
          disabled={disabled}
          onChange={(e) => {
            setTyping(true);
            onChange?.(e.target.value);
          }}
          onBlur={() => setTyping(false)}
          style={{ width: 260 }}
          placeholder="daily 09:00"
          data-testid="schedule-text"
        />
        {parsed && (
          <Typography.Text type="secondary" data-testid="schedule-words">
            {scheduleText(value, rt, language)}
          </Typography.Text>
        )}
      </Space>
    </div>
  );
}
