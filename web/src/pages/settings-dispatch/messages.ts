import { defineMessages } from "../../i18n/messages";

export const messages = defineMessages({
  zh: {
    title: "派单设置",
    intro:
      "新工单先按地址所在片区派给该片区的班组（不在任何片区的派给默认班组）。以下设置决定班组内由谁接单。",
    autoAssign: "自动派单给维修工",
    autoAssignOn: "开启",
    autoAssignOff: "关闭",
    autoAssignHelp:
      "关闭：工单派到班组后，班长收到“待指派”待办，由班长指派维修工。开启：报装、报修、饮水机报修、换水等现场工单由系统挑选班组内在岗的维修工（本班组成员或档案中班组为本班组者），按技能、在手工单和距离打分，班外打六折；被选中的人在接单时限内未接单或拒单时，改派下一位；无人可派时转回班长待办。投诉、咨询、回访不自动派单。",
    formula: "得分 =（0.4 × 技能 + 0.3 × 负荷 + 0.3 × 距离）× 班外 0.6",
    acceptTimeout: "接单时限（分钟）",
    acceptTimeoutHelp:
      "自动派单时，维修工须在此时间内接单，否则改派下一位候选人。1–240 分钟，默认 15。",
    skillByType: "工单类型所需技能",
    skillByTypeHelp:
      "自动派单时，有此技能的维修工优先；班组内无人有此技能时，不看技能。留空表示该类型不要求技能。技能名称与人员档案中的技能一致，最多 60 个字。",
    type: "工单类型",
    skill: "所需技能",
    skillPlaceholder: "不要求",
    updated: "最后修改：{time}",
    neverUpdated: "尚未修改过，使用默认设置",
    save: "保存",
    reset: "还原",
    saved: "派单设置已保存",
    loadFailed: "加载失败：{message}",
    readOnly: "只有管理员和经理可以修改派单设置",
    minutes: "分钟",
  },
  en: {
    title: "Dispatch settings",
    intro:
      "A new work order first goes to the team of the area its address lies in (the default team when in no area). These settings decide who in the team takes it.",
    autoAssign: "Assign workers automatically",
    autoAssignOn: "On",
    autoAssignOff: "Off",
    autoAssignHelp:
      'Off: once a work order reaches its team, the leader gets a "to assign" to-do and picks a worker. On: field work (new connections, repairs, dispenser repairs, water changes) is offered to a worker on duty in the team (a member, or with the team on their profile), scored by skill, open orders and distance, × 0.6 outside their shift; if they do not accept within the time limit or decline, the next one is offered; when nobody is left it goes back to the leader\'s to-dos. Complaints, enquiries and follow-ups are never assigned automatically.',
    formula: "score = (0.4 × skill + 0.3 × load + 0.3 × nearness) × 0.6 off shift",
    acceptTimeout: "Time to accept (minutes)",
    acceptTimeoutHelp:
      "With automatic assignment, a worker offered an order must accept within this time, or the next candidate is offered. 1–240 minutes, default 15.",
    skillByType: "Skill each work-order type needs",
    skillByTypeHelp:
      "With automatic assignment, workers with the skill come first; when nobody in the team has it, skills are ignored. Empty: the type needs no skill. Use the skill names of the staff profiles, at most 60 characters.",
    type: "Work-order type",
    skill: "Skill needed",
    skillPlaceholder: "None",
    updated: "Last changed: {time}",
    neverUpdated: "Never changed: the defaults apply",
    save: "Save",
    reset: "Revert",
    saved: "Dispatch settings saved",
    loadFailed: "Could not load: {message}",
    readOnly: "Only admins and managers may change dispatch settings",
    minutes: "minutes",
  },
});
