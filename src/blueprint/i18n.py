"""Fixed words of the outputs in the blueprint's locale: lane titles, line names,
marker names and the headings of service scripts.

Three locales are supported, as the schema allows: ``en``, ``zh-CN`` (简体) and
``zh-TW`` (繁體). Every table holds the same keys in every locale (a test checks
this), so a lookup never falls back silently; an unknown locale is English.
"""

from __future__ import annotations

LOCALES = ("en", "zh-CN", "zh-TW")
DEFAULT = "en"

#: lane titles, top to bottom (DOMAIN.md §1)
LANES = {
    "en": {
        "evidence": "Physical evidence",
        "customer": "Customer actions",
        "frontstage": "Front-stage actions",
        "backstage": "Back-stage actions",
        "support": "Support processes",
    },
    "zh-CN": {
        "evidence": "有形展示",
        "customer": "顾客行为",
        "frontstage": "前台员工行为",
        "backstage": "后台员工行为",
        "support": "支持过程",
    },
    "zh-TW": {
        "evidence": "有形展示",
        "customer": "顧客行為",
        "frontstage": "前台員工行為",
        "backstage": "後台員工行為",
        "support": "支持過程",
    },
}

#: the three lines between the lanes, by the names graph.Structure.crossings uses
LINES = {
    "en": {
        "interaction": "Line of interaction",
        "visibility": "Line of visibility",
        "internal": "Line of internal interaction",
    },
    "zh-CN": {
        "interaction": "外部互动分界线",
        "visibility": "可视分界线",
        "internal": "内部互动分界线",
    },
    "zh-TW": {
        "interaction": "外部互動分界線",
        "visibility": "可視分界線",
        "internal": "內部互動分界線",
    },
}

#: markers a step can carry (analysis.Analysis.markers)
MARKERS = {
    "en": {
        "fail": "Fail point",
        "fail-inferred": "Possible fail point",
        "wait": "Wait point",
        "wait-inferred": "Possible wait",
        "key": "Key moment",
        "peak": "Peak moment",
        "best": "Best moment",
        "worst": "Worst moment",
        "end": "End moment",
    },
    "zh-CN": {
        "fail": "失误点",
        "fail-inferred": "可能的失误点",
        "wait": "等待点",
        "wait-inferred": "可能的等待",
        "key": "关键时刻",
        "peak": "峰值时刻",
        "best": "最佳时刻",
        "worst": "最差时刻",
        "end": "终点时刻",
    },
    "zh-TW": {
        "fail": "失誤點",
        "fail-inferred": "可能的失誤點",
        "wait": "等待點",
        "wait-inferred": "可能的等待",
        "key": "關鍵時刻",
        "peak": "峰值時刻",
        "best": "最佳時刻",
        "worst": "最差時刻",
        "end": "終點時刻",
    },
}

#: headings and fixed words of service scripts (script.py and templates/)
WORDS = {
    "en": {
        "scripts": "Service scripts",
        "script_for": "Script",
        "customer_script": "Customer's journey",
        "customer": "Customer",
        "contents": "Contents",
        "overview": "Overview",
        "blueprint": "Blueprint",
        "version": "Version",
        "status": "Status",
        "as-is": "as it is today",
        "to-be": "as it should be",
        "owner": "Owner",
        "for_customer": "Customer",
        "steps": "steps",
        "step": "Step",
        "no": "No.",
        "phase": "Phase",
        "no_phase": "Other steps",
        "no_steps": "This role has no steps.",
        "no_role": "no role",
        "cue": "Cue",
        "cue_start": "Starts the service",
        "cue_none": "When needed (no step leads here)",
        "again": "again",
        "do": "Do",
        "say": "Say",
        "standard": "Standard",
        "within": "within",
        "time": "Time",
        "evidence": "Evidence",
        "see": "You see",
        "fail": "Fail point",
        "fail_inferred": "Possible fail point",
        "likelihood": "likelihood",
        "severity": "severity",
        "low": "low",
        "medium": "medium",
        "high": "high",
        "prevent": "Prevent",
        "recover": "Recover",
        "no_plan": "No prevention or recovery written yet.",
        "wait": "Wait",
        "wait_inferred": "Possible wait",
        "expected": "expected",
        "tolerable": "tolerable",
        "over_tolerance": "longer than customers tolerate",
        "fill": "Fill the wait",
        "explain": "Explain the wait",
        "suggest": "Suggested",
        "handoff": "Hand off",
        "handoff_back": "behind the line of visibility",
        "handoff_front": "in front of the line of visibility",
        "then": "Then",
        "if": "if",
        "served_by": "Staff you meet",
        "moment": "Moment",
        "before_moment": "Leads to the customer's",
        "end_of_journey": "End of the journey",
        "role": "Role",
        "roles": "Roles",
        "quote_open": "“",
        "quote_close": "”",
        "sep": ", ",
        "colon": ": ",
    },
    "zh-CN": {
        "scripts": "服务剧本",
        "script_for": "剧本",
        "customer_script": "顾客剧本",
        "customer": "顾客",
        "contents": "目录",
        "overview": "概览",
        "blueprint": "蓝图",
        "version": "版本",
        "status": "状态",
        "as-is": "现状",
        "to-be": "目标",
        "owner": "负责人",
        "for_customer": "顾客",
        "steps": "步",
        "step": "步骤",
        "no": "序号",
        "phase": "阶段",
        "no_phase": "其他步骤",
        "no_steps": "该角色没有步骤。",
        "no_role": "未指定角色",
        "cue": "时机",
        "cue_start": "服务开始",
        "cue_none": "需要时（没有步骤指向这里）",
        "again": "再次",
        "do": "动作",
        "say": "话术",
        "standard": "标准",
        "within": "时限",
        "time": "用时",
        "evidence": "有形展示",
        "see": "所见",
        "fail": "失误点",
        "fail_inferred": "可能的失误点",
        "likelihood": "可能性",
        "severity": "严重性",
        "low": "低",
        "medium": "中",
        "high": "高",
        "prevent": "预防",
        "recover": "修复",
        "no_plan": "尚未写明预防或修复办法。",
        "wait": "等待",
        "wait_inferred": "可能的等待",
        "expected": "预计",
        "tolerable": "可容忍",
        "over_tolerance": "超出顾客可容忍的时间",
        "fill": "填补等待",
        "explain": "说明等待",
        "suggest": "建议",
        "handoff": "交接",
        "handoff_back": "交到可视分界线之后",
        "handoff_front": "交到可视分界线之前",
        "then": "接下来",
        "if": "如果",
        "served_by": "接待你的员工",
        "moment": "时刻",
        "before_moment": "随后是顾客的",
        "end_of_journey": "旅程结束",
        "role": "角色",
        "roles": "角色",
        "quote_open": "“",
        "quote_close": "”",
        "sep": "、",
        "colon": "：",
    },
    "zh-TW": {
        "scripts": "服務劇本",
        "script_for": "劇本",
        "customer_script": "顧客劇本",
        "customer": "顧客",
        "contents": "目錄",
        "overview": "概覽",
        "blueprint": "藍圖",
        "version": "版本",
        "status": "狀態",
        "as-is": "現狀",
        "to-be": "目標",
        "owner": "負責人",
        "for_customer": "顧客",
        "steps": "步",
        "step": "步驟",
        "no": "序號",
        "phase": "階段",
        "no_phase": "其他步驟",
        "no_steps": "該角色沒有步驟。",
        "no_role": "未指定角色",
        "cue": "時機",
        "cue_start": "服務開始",
        "cue_none": "需要時（沒有步驟指向這裡）",
        "again": "再次",
        "do": "動作",
        "say": "話術",
        "standard": "標準",
        "within": "時限",
        "time": "用時",
        "evidence": "有形展示",
        "see": "所見",
        "fail": "失誤點",
        "fail_inferred": "可能的失誤點",
        "likelihood": "可能性",
        "severity": "嚴重性",
        "low": "低",
        "medium": "中",
        "high": "高",
        "prevent": "預防",
        "recover": "修復",
        "no_plan": "尚未寫明預防或修復辦法。",
        "wait": "等待",
        "wait_inferred": "可能的等待",
        "expected": "預計",
        "tolerable": "可容忍",
        "over_tolerance": "超出顧客可容忍的時間",
        "fill": "填補等待",
        "explain": "說明等待",
        "suggest": "建議",
        "handoff": "交接",
        "handoff_back": "交到可視分界線之後",
        "handoff_front": "交到可視分界線之前",
        "then": "接下來",
        "if": "如果",
        "served_by": "接待你的員工",
        "moment": "時刻",
        "before_moment": "隨後是顧客的",
        "end_of_journey": "旅程結束",
        "role": "角色",
        "roles": "角色",
        "quote_open": "「",
        "quote_close": "」",
        "sep": "、",
        "colon": "：",
    },
}

TABLES = {"lanes": LANES, "lines": LINES, "markers": MARKERS, "words": WORDS}


def locale_of(locale: str | None) -> str:
    """The supported locale for ``locale`` (English when unknown or empty)."""
    return locale if locale in LOCALES else DEFAULT


def lane_title(lane: str, locale: str | None = DEFAULT) -> str:
    """Title of a lane (``evidence``, ``customer``, ``frontstage``, ``backstage``, ``support``)."""
    return LANES[locale_of(locale)][lane]


def line_name(line: str, locale: str | None = DEFAULT) -> str:
    """Name of a line (``interaction``, ``visibility``, ``internal``)."""
    return LINES[locale_of(locale)][line]


def marker_name(marker: str, locale: str | None = DEFAULT) -> str:
    return MARKERS[locale_of(locale)][marker]


def words(locale: str | None = DEFAULT) -> dict:
    """All fixed words of the scripts for one locale (a fresh dict)."""
    return dict(WORDS[locale_of(locale)])
