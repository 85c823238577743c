"""Deterministic synthetic service blueprints of any size, for benchmarks and tests.

The blueprint is a realistic chain of customer "moments": each customer action
meets a front-stage step; some moments run back-stage and support work (where
the customer waits), some branch with ``when:`` conditions, some have a fail
point with a recovery loop (``kind: recovery``), and some are prepared by
support work that leads into the journey. Phases follow time, and about one
moment in five is written in Chinese.

Every generated blueprint passes ``blueprint check`` without errors: customer
actions meet only front-stage steps, normal flows form no cycle and never go
back to an earlier phase, every customer action is on one journey, every
customer action has evidence, and durations stay within their standards and
waits within their tolerable time.

As a library::

    from benchmarks.generate import generate
    text = generate(100, seed=1)      # YAML text of a blueprint with exactly 100 steps

From the command line::

    python benchmarks/generate.py 1000 --seed 1 -o /tmp/bp-1000.yaml
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys

__all__ = ["generate", "generate_data", "main"]

# --- word banks: (English, Chinese) -------------------------------------------------

CUSTOMER = [
    ("Walk in and look around", "走进门店四处看看"),
    ("Ask about today's specials", "询问今日特价"),
    ("Choose a table by the window", "选择靠窗的座位"),
    ("Read the menu", "阅读菜单"),
    ("Order drinks", "点饮料"),
    ("Confirm the order", "确认订单"),
    ("Wait for the dishes", "等待上菜"),
    ("Taste the broth", "品尝汤底"),
    ("Ask for more sauce", "要求加调料"),
    ("Scan the QR code to pay", "扫码付款"),
    ("Collect the receipt", "领取收据"),
    ("Fill in the feedback card", "填写意见卡"),
    ("Book the next visit", "预约下次光临"),
    ("Show the membership card", "出示会员卡"),
    ("Pick up the parcel", "领取包裹"),
    ("Describe the problem", "描述遇到的问题"),
]
EVIDENCE = [
    ("Shop sign", "门店招牌"),
    ("Clean entrance", "整洁的入口"),
    ("Tablet menu", "平板菜单"),
    ("Queue number slip", "排队号码单"),
    ("Waiting stools", "等候座椅"),
    ("Itemised bill", "明细账单"),
    ("Payment QR code", "付款二维码"),
    ("Receipt", "收据"),
    ("Feedback card", "意见卡"),
    ("Uniformed staff", "着装统一的员工"),
    ("Progress screen", "进度显示屏"),
    ("Free tea", "免费茶水"),
    ("Order summary", "订单摘要"),
    ("Membership app", "会员应用"),
    ("Parcel locker", "包裹柜"),
]
FRONT = [
    ("Greet the guest", "问候客人", "Welcome! How many of you today?", "欢迎光临！请问几位？"),
    ("Take the order", "为客人点单", "What would you like to start with?", "请问想先点些什么？"),
    (
        "Repeat the order back",
        "复述订单",
        "So that is one split pot and two teas.",
        "一个鸳鸯锅和两杯茶，对吗？",
    ),
    (
        "Serve the dishes",
        "上菜",
        "Here is your broth; please mind the heat.",
        "您的锅底来了，小心烫。",
    ),
    ("Explain the wait", "说明等候时间", "It will be about ten minutes.", "大约需要十分钟。"),
    (
        "Present the bill",
        "呈上账单",
        "Here is your bill; you can scan to pay.",
        "这是您的账单，可以扫码支付。",
    ),
    (
        "Hand over the parcel",
        "交付包裹",
        "Please check the parcel before you sign.",
        "请先检查包裹再签收。",
    ),
    (
        "Apologise and offer a fix",
        "道歉并提出补救",
        "I am sorry; let me put that right at once.",
        "非常抱歉，我马上为您处理。",
    ),
    ("See the guest off", "送别客人", "Thank you, see you again soon!", "谢谢光临，欢迎再来！"),
]
BACK = [
    ("Prepare the broth", "熬制汤底"),
    ("Plate the ingredients", "备菜装盘"),
    ("Check the stock", "清点库存"),
    ("Pack the parcel", "打包包裹"),
    ("Clear and reset the table", "清理并重新摆台"),
    ("Review the complaint", "复核投诉"),
]
SUPPORT = [
    ("Print the kitchen ticket", "打印厨房单"),
    ("Record the payment", "记录付款"),
    ("Look up the booking", "查询预订"),
    ("Update the membership points", "更新会员积分"),
    ("Deliver supplies", "配送物资"),
    ("Send the confirmation text", "发送确认短信"),
]
CONDITIONS = [
    (("table free", "no table"), ("有空桌", "没有空桌")),
    (("pays by card", "pays cash"), ("刷卡支付", "现金支付")),
    (("member", "not a member"), ("会员", "非会员")),
    (("in stock", "out of stock"), ("有货", "缺货")),
]
RISKS = [
    ("Order taken wrongly", "点单出错"),
    ("Dish served cold", "菜品上桌已凉"),
    ("Payment terminal offline", "支付终端离线"),
    ("Parcel damaged", "包裹破损"),
]
PHASES = [
    ("Arrive", "到店"),
    ("Order", "点单"),
    ("Wait", "等候"),
    ("Eat", "用餐"),
    ("Pay", "结账"),
    ("Leave", "离店"),
    ("Follow up", "回访"),
    ("Complain", "投诉"),
    ("Recover", "补救"),
    ("Return", "再次光临"),
]
ROLES = {
    "frontstage": [
        ("host", "Host", "迎宾"),
        ("waiter", "Waiter", "服务员"),
        ("cashier", "Cashier", "收银员"),
    ],
    "backstage": [("kitchen", "Kitchen", "厨房"), ("busser", "Busser", "传菜员")],
    "support": [
        ("pos", "POS system", "收银系统"),
        ("crm", "CRM", "客户关系系统"),
        ("supplier", "Supplier", "供应商"),
    ],
}

_PLAIN = re.compile(
    r"^[A-Za-z\u4e00-\u9fff][A-Za-z0-9 '.!?\u3000-\u303f\u4e00-\u9fff\uff01-\uff1f-]*$"
)
_DURATION = re.compile(r"^[0-9]+[smhdw]$")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def _q(text: str) -> str:
    """YAML scalar: plain when that is safe, otherwise a double-quoted (JSON) string."""
    if _DURATION.match(text):
        return text
    if _PLAIN.match(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _dur(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


class _Builder:
    def __init__(self, n: int, seed: int):
        if n < 2:
            raise ValueError(
                "a blueprint needs at least 2 steps (a customer action and a front-stage step)"
            )
        self.n = n
        self.rng = random.Random(seed)
        self.steps: list[dict] = []
        self.phases = [f"p{i + 1}" for i in range(max(1, min(len(PHASES), n // 8)))]
        self.moment = 0
        self.loops = 0
        self.back_office = False  # a moment with back-stage and support work was added
        self.total_seconds = 0

    # --- helpers ---------------------------------------------------------------------
    def _zh(self) -> bool:
        return self.moment % 5 == 3

    def _pick(self, bank, i=None):
        item = self.rng.choice(bank)
        if i is None:
            return item[1] if self._zh() else item[0]
        return item[i + (1 if self._zh() else 0)]

    def _phase(self) -> str:
        return self.phases[min(len(self.phases) - 1, len(self.steps) * len(self.phases) // self.n)]

    def _add(self, sid: str, lane: str, **fields) -> dict:
        step = {"id": sid, "lane": lane, "phase": self._phase(), **fields, "next": []}
        self.steps.append(step)
        return step

    def _customer(self, sid: str) -> dict:
        k = self.rng.randint(1, 3)
        evidence = [self._pick(EVIDENCE) for _ in range(k)]
        evidence = list(dict.fromkeys(evidence))
        step = self._add(
            sid,
            "customer",
            text=self._pick(CUSTOMER),
            evidence=evidence,
            emotion=self.rng.choice([-1, 0, 0, 1, 1, 2]),
        )
        if self.rng.random() < 0.08:
            step["key"] = True
        return step

    def _front(self, sid: str, *, fail: bool = False) -> dict:
        text, says = (lambda t: (t[1], t[3]) if self._zh() else (t[0], t[2]))(
            self.rng.choice(FRONT)
        )
        seconds = self.rng.choice([20, 30, 45, 60, 90, 120, 180, 300])
        role = self.rng.choice(ROLES["frontstage"])[0]
        step = self._add(sid, "frontstage", role=role, text=text, says=says, duration=_dur(seconds))
        self.total_seconds += seconds
        if self.rng.random() < 0.4:
            within = seconds * self.rng.choice([1, 2, 3])
            std = "在规定时间内完成" if self._zh() else f"Done within {_dur(within)}"
            step["standard"] = (
                {"text": std, "within": _dur(within)} if self.rng.random() < 0.7 else std
            )
        if fail:
            risk = self._pick(RISKS)
            step["fail"] = {
                "risk": risk,
                "likelihood": self.rng.choice(["low", "medium", "high"]),
                "severity": self.rng.choice(["low", "medium", "high"]),
                "prevention": "提前检查" if self._zh() else "Check before handing over",
                "recovery": "立即更换并致歉" if self._zh() else "Replace it at once and apologise",
            }
        return step

    def _back(self, sid: str, lane: str, bank) -> tuple[dict, int]:
        seconds = self.rng.choice(
            [30, 60, 120, 300, 480] if lane == "backstage" else [5, 10, 30, 60]
        )
        role = self.rng.choice(ROLES[lane])[0]
        step = self._add(sid, lane, role=role, text=self._pick(bank), duration=_dur(seconds))
        self.total_seconds += seconds
        return step, seconds

    # --- moments: a customer action and the work that answers it ----------------------
    def build(self) -> list[dict]:
        first = self._customer("c1")
        first["emotion"] = 1
        pending = [first]  # steps whose next customer action is not yet known
        while True:
            left = self.n - len(self.steps) - 1  # keep one step for the last customer action
            if left < 1:
                break
            self.moment += 1
            m = self.moment
            size = self.rng.choice((1, 2, 3, 4, 5)) if left >= 5 else left
            if pending[-1]["lane"] == "customer":
                size = 1  # the first moment: the journey's first front-stage contact
            elif left >= 5 and not self.back_office:
                size = 5  # early on, show every lane: back-stage and support work
            pending = self._moment(m, size, pending)
        last = self._customer(f"c{max(2, self.moment + 1)}")
        last["emotion"] = 2  # a good end: the generated journeys are not meant to warn
        self._link(pending, last)
        return self.steps

    def _moment(self, m: int, size: int, pending: list[dict]) -> list[dict]:
        """Add ``size`` steps answering the customer; return the steps that lead on."""
        if size == 1:
            if pending[-1]["lane"] == "customer":  # the first front-stage contact
                f = self._front(f"f{m}")
                self._link(pending, f)
                return [f]
            # otherwise a support process records what the last front-stage step did
            f = pending[-1]
            log, _ = self._back(f"s{m}-log", "support", SUPPORT)
            f["next"].append(log["id"])
            return pending
        c = self._customer(f"c{m}") if pending[-1]["lane"] == "frontstage" else None
        if c is not None:
            self._link(pending, c)
            pending = [c]
            size -= 1
        kind = {
            1: "simple",
            2: "recovery",
            3: self.rng.choice(["branch", "backoffice", "prepared"]),
            4: self.rng.choice(["backoffice-support", "branch-recovery"]),
        }[size]
        if not self.back_office and size == 4:
            kind = "backoffice-support"
        if kind in ("backoffice-support", "prepared"):
            self.back_office = True
        src = pending
        if kind == "simple":
            f = self._front(f"f{m}")
            self._link(src, f)
            return [f]
        if kind == "recovery":
            f = self._front(f"f{m}", fail=True)
            fix = self._front(f"f{m}-fix")
            self._apology(fix)
            self._link(src, f)
            cond = ("出错了", "一切正常") if self._zh() else ("something went wrong", "all fine")
            f["next"].append({"to": fix["id"], "when": cond[0]})
            fix["next"].append(
                {"to": f["id"], "kind": "recovery", "when": "重做" if self._zh() else "redo"}
            )
            self.loops += 1
            f["_when"] = cond[1]
            return [f]
        if kind in ("branch", "branch-recovery"):
            en, zh = self.rng.choice(CONDITIONS)
            conds = zh if self._zh() else en
            f = self._front(f"f{m}")
            a = self._front(f"f{m}-a")
            b = self._front(f"f{m}-b", fail=kind == "branch-recovery")
            self._link(src, f)
            f["next"] += [{"to": a["id"], "when": conds[0]}, {"to": b["id"], "when": conds[1]}]
            if kind == "branch-recovery":
                fix = self._front(f"f{m}-fix")
                self._apology(fix)
                b["next"].append(
                    {"to": fix["id"], "when": "出错了" if self._zh() else "something went wrong"}
                )
                fix["next"].append({"to": f["id"], "kind": "recovery"})
                b["_when"] = "一切正常" if self._zh() else "all fine"
                self.loops += 1
            return [a, b]
        if kind in ("backoffice", "backoffice-support"):
            f = self._front(f"f{m}")
            self._link(src, f)
            chain = []
            if kind == "backoffice-support":
                s, s_sec = self._back(f"s{m}", "support", SUPPORT)
                chain.append((s, s_sec))
            bk, b_sec = self._back(f"b{m}", "backstage", BACK)
            chain.append((bk, b_sec))
            prev = f
            for step, _ in chain:
                prev["next"].append(step["id"])
                prev = step
            # the back office hands back to the front stage, which serves the customer
            back_to = self._front(f"f{m}-serve")
            prev["next"].append(back_to["id"])
            # the customer waits for the invisible work: declare the wait on the next action
            waited = sum(sec for _, sec in chain) + self._seconds(back_to)
            back_to["_wait"] = max(60, int(math.ceil(waited / 60.0)) * 60)
            return [back_to]
        # prepared: support work done beforehand leads into the front-stage step
        s, _ = self._back(f"s{m}-prep", "support", SUPPORT)
        bk, _ = self._back(f"b{m}-prep", "backstage", BACK)
        f = self._front(f"f{m}")
        s["next"].append(bk["id"])
        bk["next"].append(f["id"])
        self._link(src, f)
        return [f]

    def _apology(self, step: dict) -> None:
        step["text"] = "道歉并重做" if self._zh() else "Apologise and redo it"
        step["says"] = (
            "非常抱歉，我马上为您处理。"
            if self._zh()
            else "I am sorry; let me put that right at once."
        )

    @staticmethod
    def _seconds(step: dict) -> int:
        d = step["duration"]
        return int(d[:-1]) * {"s": 1, "m": 60, "h": 3600}[d[-1]]

    def _link(self, src: list[dict], target: dict) -> None:
        for p in src:
            when = p.pop("_when", None)
            p["next"].append({"to": target["id"], "when": when} if when else target["id"])


def generate_data(n: int, seed: int = 1) -> dict:
    """The blueprint as plain data (what ``yaml.safe_load(generate(n, seed))`` gives)."""
    b = _Builder(n, seed)
    steps = b.build()
    # declared waits: on the customer action that follows invisible work
    by_id = {s["id"]: s for s in steps}
    for s in steps:
        expected = s.pop("_wait", None)
        s.pop("_when", None)
        if expected is None:
            continue
        for f in s["next"]:
            t = by_id[f if isinstance(f, str) else f["to"]]
            if t["lane"] == "customer" and "wait" not in t:
                t["wait"] = {"expected": _dur(expected), "tolerable": _dur(expected * 2)}
                if b.rng.random() < 0.6:
                    t["wait"]["fill"] = (
                        "免费茶水和小吃"
                        if re.search(r"[\u4e00-\u9fff]", t["text"])
                        else "Free tea and snacks"
                    )
                if b.rng.random() < 0.6:
                    t["wait"]["explain"] = "The progress screen shows the order"
                b.total_seconds += expected
    for s in steps:
        if not s["next"]:
            del s["next"]
    used_roles = {s.get("role") for s in steps}
    roles = {}
    for lane in ("frontstage", "backstage", "support"):
        for rid, en, zh in ROLES[lane]:
            if rid in used_roles:
                roles[rid] = {"name": en, "description": zh}
    hours = max(1, math.ceil(b.total_seconds * 2 / 3600))
    return {
        "blueprint": 1,
        "id": f"synthetic-{n}",
        "title": f"Synthetic restaurant service, {n} steps (seed {seed})",
        "description": "Generated by benchmarks/generate.py for benchmarks and tests.",
        "locale": "en",
        "customer": "Walk-in guests 散客",
        "owner": "Benchmarks",
        "status": "as-is",
        "version": "1.0",
        "tolerance": f"{hours}h",
        "phases": [
            {"id": pid, "name": f"{PHASES[i][0]} {PHASES[i][1]}"} for i, pid in enumerate(b.phases)
        ],
        "roles": roles,
        "steps": steps,
    }


def _flow_yaml(f) -> str:
    if isinstance(f, str):
        return f
    parts = [f"to: {f['to']}"]
    if f.get("when"):
        parts.append(f"when: {_q(f['when'])}")
    if f.get("kind"):
        parts.append(f"kind: {f['kind']}")
    return "{" + ", ".join(parts) + "}"


def to_yaml(data: dict) -> str:
    """Write the data the way a designer would: block style, short flow mappings."""
    out = [
        "# yaml-language-server: $schema=../schema/blueprint.schema.json",
        "# Generated by benchmarks/generate.py; do not edit.",
    ]
    for key in (
        "blueprint",
        "id",
        "title",
        "description",
        "locale",
        "customer",
        "owner",
        "status",
        "version",
        "tolerance",
    ):
        value = data[key]
        out.append(f"{key}: {value if isinstance(value, int) else _q(str(value))}")
    out.append("")
    out.append("phases:")
    for p in data["phases"]:
        out.append(f"  - {{id: {p['id']}, name: {_q(p['name'])}}}")
    out.append("")
    out.append("roles:" if data["roles"] else "roles: {}")
    for rid, r in data["roles"].items():
        out.append(f"  {rid}: {{name: {_q(r['name'])}, description: {_q(r['description'])}}}")
    out.append("")
    out.append("steps:")
    for s in data["steps"]:
        out.append(f"  - id: {s['id']}")
        for key in ("lane", "phase", "role", "text"):
            if key in s:
                out.append(f"    {key}: {_q(s[key])}")
        if "evidence" in s:
            out.append("    evidence: [" + ", ".join(_q(e) for e in s["evidence"]) + "]")
        for key in ("says", "duration"):
            if key in s:
                out.append(f"    {key}: {_q(s[key])}")
        if "standard" in s:
            std = s["standard"]
            if isinstance(std, str):
                out.append(f"    standard: {_q(std)}")
            else:
                out.append(f"    standard: {{text: {_q(std['text'])}, within: {std['within']}}}")
        if "emotion" in s:
            out.append(f"    emotion: {s['emotion']}")
        if s.get("key"):
            out.append("    key: true")
        if "fail" in s:
            out.append("    fail:")
            for k, v in s["fail"].items():
                out.append(f"      {k}: {_q(v)}")
        if "wait" in s:
            out.append("    wait:")
            for k, v in s["wait"].items():
                out.append(f"      {k}: {_q(v)}")
        if "next" in s:
            flows = s["next"]
            if len(flows) == 1 and isinstance(flows[0], str):
                out.append(f"    next: [{flows[0]}]")
            else:
                out.append("    next:")
                out.extend(f"      - {_flow_yaml(f)}" for f in flows)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def generate(n: int, seed: int = 1) -> str:
    """YAML text of a valid synthetic blueprint with exactly ``n`` steps (n >= 2)."""
    return to_yaml(generate_data(n, seed))


def write(path: str, text: str) -> None:
    """Write atomically: a temporary file in the same folder, then os.replace."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Write a synthetic, valid service blueprint of N steps."
    )
    ap.add_argument("steps", type=int, help="number of steps (at least 2)")
    ap.add_argument(
        "--seed", type=int, default=1, help="random seed (default 1); same seed, same file"
    )
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = ap.parse_args(argv)
    if args.steps < 2:
        ap.error("steps must be at least 2")
    text = generate(args.steps, args.seed)
    if args.output:
        write(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
