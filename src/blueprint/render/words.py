"""The words a diagram shows, in each locale a blueprint may declare.

Chinese diagrams also carry the English name in small type under lane
titles and beside line names, as trainers in mixed teams expect.
"""

from __future__ import annotations

from blueprint import i18n

LOCALES = ("en", "zh-CN", "zh-TW")

#: lane and line names come from the shared tables in :mod:`blueprint.i18n`;
#: the emotion band is the diagram's own
EMOTION = {"en": "Customer emotion", "zh-CN": "顾客情绪", "zh-TW": "顧客情緒"}


_WORDS = {
    "en": {
        "fail": "Fail point",
        "wait": "Wait",
        "peak": "Peak",
        "low": "Low point",
        "high": "High point",
        "end": "End",
        "key": "Key moment",
        "late": "Late",
        "recovery": "recovery",
        "rework": "rework",
        "legend": "Legend",
        "condition": "condition",
        "id": "id",
        "status": "status",
        "owner": "owner",
        "version": "version",
        "steps": "steps",
        # legend explanations
        "fail.declared": "fail point (declared in the blueprint)",
        "fail.inferred": "possible fail point (inferred by analysis)",
        "wait.declared": "wait point, with the expected wait",
        "wait.inferred": "likely wait (inferred), with its estimate",
        "peak.best": "peak: the most intense moment (it counts in the peak–end score)",
        "peak.high": "high point: the customer's best moment",
        "peak.worst": "low point: the customer's worst moment",
        "end.moment": "end: the moment the journey ends",
        "key.moment": "key moment (declared)",
        "late.standard": "time limit missed as the flow is designed, and by how much",
        "edge.normal": "flow",
        "edge.branch": "flow taken when the condition holds",
        "edge.support": "flow back up from support",
        "edge.recovery": "service recovery flow",
        "edge.rework": "rework flow (loops back)",
        "line.interaction": "line of interaction",
        "line.visibility": "line of visibility (customers see nothing below)",
        "line.internal": "line of internal interaction",
        "evidence.box": "physical evidence the customer meets at that action",
        "emotion.curve": "customer emotion, {} (worst) to {} (best)",
        "inferred.note": "dashed outline and ? = inferred, not declared",
    },
    "zh-CN": {
        "fail": "失误点",
        "wait": "等待",
        "peak": "峰值",
        "low": "低谷",
        "high": "高点",
        "end": "终点",
        "key": "关键时刻",
        "late": "超时",
        "recovery": "服务修复",
        "rework": "返工",
        "legend": "图例",
        "condition": "条件",
        "id": "编号",
        "status": "状态",
        "owner": "负责人",
        "version": "版本",
        "steps": "步",
        "fail.declared": "失误点（蓝图中声明）",
        "fail.inferred": "可能的失误点（分析推断）",
        "wait.declared": "等待点及预计等待时间",
        "wait.inferred": "可能的等待（推断）及估计时间",
        "peak.best": "峰值：体验最强烈的时刻（计入峰终得分）",
        "peak.high": "高点：顾客体验最好的时刻",
        "peak.worst": "低谷：顾客体验最差的时刻",
        "end.moment": "终点：旅程结束的时刻",
        "key.moment": "关键时刻（声明）",
        "late.standard": "按流程设计会超出时限，及超出多少",
        "edge.normal": "流程",
        "edge.branch": "满足条件时走的流程",
        "edge.support": "从支持过程返回的流程",
        "edge.recovery": "服务修复流程",
        "edge.rework": "返工流程（回到前面）",
        "line.interaction": "外部互动分界线",
        "line.visibility": "可视分界线（顾客看不到其下方）",
        "line.internal": "内部互动分界线",
        "evidence.box": "顾客在该行为中接触的有形展示",
        "emotion.curve": "顾客情绪，{}（最差）到 {}（最好）",
        "inferred.note": "虚线框和 ? 表示推断，而非声明",
    },
    "zh-TW": {
        "fail": "失誤點",
        "wait": "等待",
        "peak": "峰值",
        "low": "低谷",
        "high": "高點",
        "end": "終點",
        "key": "關鍵時刻",
        "late": "超時",
        "recovery": "服務修復",
        "rework": "返工",
        "legend": "圖例",
        "condition": "條件",
        "id": "編號",
        "status": "狀態",
        "owner": "負責人",
        "version": "版本",
        "steps": "步",
        "fail.declared": "失誤點（藍圖中聲明）",
        "fail.inferred": "可能的失誤點（分析推斷）",
        "wait.declared": "等待點及預計等待時間",
        "wait.inferred": "可能的等待（推斷）及估計時間",
        "peak.best": "峰值：體驗最強烈的時刻（計入峰終得分）",
        "peak.high": "高點：顧客體驗最好的時刻",
        "peak.worst": "低谷：顧客體驗最差的時刻",
        "end.moment": "終點：旅程結束的時刻",
        "key.moment": "關鍵時刻（聲明）",
        "late.standard": "按流程設計會超出時限，及超出多少",
        "edge.normal": "流程",
        "edge.branch": "滿足條件時走的流程",
        "edge.support": "從支持過程返回的流程",
        "edge.recovery": "服務修復流程",
        "edge.rework": "返工流程（回到前面）",
        "line.interaction": "外部互動分界線",
        "line.visibility": "可視分界線（顧客看不到其下方）",
        "line.internal": "內部互動分界線",
        "evidence.box": "顧客在該行為中接觸的有形展示",
        "emotion.curve": "顧客情緒，{}（最差）到 {}（最好）",
        "inferred.note": "虛線框和 ? 表示推斷，而非聲明",
    },
}


def locale_of(bp) -> str:
    return bp.locale if bp.locale in LOCALES else "en"


def word(locale: str, key: str) -> str:
    return _WORDS.get(locale, _WORDS["en"]).get(key) or _WORDS["en"][key]


def _lane(locale: str, lane: str) -> str:
    if lane == "emotion":
        return EMOTION[locale]
    return i18n.lane_title(lane, locale)


def lane_title(locale: str, lane: str) -> tuple[str, str]:
    """(title, English subtitle or '') for a lane's band."""
    if locale == "en":
        return _lane("en", lane), ""
    return _lane(locale, lane), _lane("en", lane)


def line_label(locale: str, line: str) -> str:
    if locale == "en":
        return i18n.line_name(line, "en")
    return f"{i18n.line_name(line, locale)} {i18n.line_name(line, 'en')}"


def line_short(locale: str, line: str) -> str:
    """The line's name in the locale alone (for where the two names do not fit)."""
    return i18n.line_name(line, locale if locale in LOCALES else "en")
