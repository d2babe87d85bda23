#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Screenshots of the key screens for the app page and README, taken from
the demo database with the Chromium the browser tours use.

Builds a fresh demo database (``perf_shots``, dropped first; the same
install as ``tools/start.py``), starts Odoo on a free port and walks the
demo cycle "2026 H2 performance review" through its phases over XML-RPC,
as the demo users would (passwords = logins): HR previews and launches it,
everybody sets goals and their managers approve them, the Front-end team
checks in, HR starts the evaluation and every rater scores and
submits, HR starts the calibration, each head fits their group to the
distribution policy and HR approves, then publishes. At each phase it logs
in as the person who works on the screen and takes PNG screenshots with
headless Chromium, driven over the DevTools protocol (websocket-client),
at desktop (1024x768, narrow enough for the app page) and phone (390x844)
width, in English and Chinese:

====================  ===========  ========  ===========================
screen                who          device    what is on it
====================  ===========  ========  ===========================
launch_preview        zheng.xue    desktop   the launch preview (dialog)
goals                 xie.yu       phone     her review, goals being set
scoring               zhang.wei    desktop   his manager rating of xie.yu
calibration           zhang.wei    desktop   his team's group, distribution
results               zheng.xue    desktop   the published cycle, Results
my_result             xie.yu       phone     her published result
====================  ===========  ========  ===========================

The images go to ``perf_closed_loop/static/description/screenshots/``
(``<screen>_<en|zh>.png``, 256-colour PNGs), which readme/USAGE.md shows;
then ``python3 tools/gen_readme.py`` regenerates README.rst and index.html.
Run it again whenever the screens change::

    python3 tools/screenshots.py [--only scoring calibration] [--keep-db]

Needs Odoo 18.0 and PostgreSQL like tools/start.py, Chromium (as for the
tours) and a CJK font for the Chinese screens (Debian: fonts-noto-cjk; both
installed with apt-get when run as root). Takes about a quarter of an hour
(13 minutes on a 2-core machine).
"""

import argparse
import base64
import hashlib
import http.cookiejar
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402
import setup_env  # noqa: E402
import start  # noqa: E402

REPO = odoo_env.REPO
OUT = REPO / odoo_env.MODULE / "static/description/screenshots"
DEVICES = {"desktop": (1024, 768, False), "phone": (390, 844, True)}
LANGS = {"en_US": "en", "zh_CN": "zh"}
CYCLE = "2026 H2 performance review"
HR = "zheng.xue"
EMPLOYEE = "xie.yu"
MANAGER = "zhang.wei"
CALIBRATOR = MANAGER  # the Front-end team's head calibrates it
HR_OFFICERS = ("zheng.xue", "cheng.lei", "luo.lin", "admin")
ACTION = "/odoo/action-perf_closed_loop.{}/{}"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


def say(text):
    print(text, flush=True)


# ----------------------------------------------------------------- XML-RPC
class Rpc:
    """XML-RPC as the demo users (password = login; admin's is admin)."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.object = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        self.uids = {}

    def uid(self, login):
        if login not in self.uids:
            uid = self.common.authenticate(self.db, login, login, {})
            if not uid:
                raise odoo_env.SetupError(f"cannot log in as {login}")
            self.uids[login] = uid
        return self.uids[login]

    def __call__(self, login, model, method, *args, **kwargs):
        return self.object.execute_kw(
            self.db, self.uid(login), login, model, method, list(args), kwargs
        )

    def read(self, login, model, domain, fields, **kwargs):
        return self(login, model, "search_read", domain, fields=fields, **kwargs)

    def login_of(self, user_id):
        return self("admin", "res.users", "read", [user_id], ["login"])[0]["login"]


def fault_text(exc):
    return exc.faultString.strip().splitlines()[-1] if exc.faultString else str(exc)


# ------------------------------------------------------------ the scenario
def performance(name):
    """A stable, spread-out level (55-99) for each person."""
    return 55 + int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % 45


class Scenario:
    """Walks the demo cycle through its phases over XML-RPC."""

    def __init__(self, rpc):
        self.rpc = rpc
        found = rpc.read("admin", "perf.cycle", [("name", "=", CYCLE)], ["id"])
        if not found:
            raise odoo_env.SetupError(f"no demo cycle {CYCLE!r}: demo data missing?")
        self.cycle = found[0]["id"]
        self.shown_rating = None
        self.filled = set()  # reviews whose goals were filled in already
        # The to-dos are delivered by the cron worker, as on a real server;
        # their e-mails stay queued (nothing leaves the machine).
        scheduler = rpc(
            "admin",
            "ir.model.data",
            "check_object_reference",
            "mail",
            "ir_cron_mail_scheduler_action",
        )[1]
        rpc("admin", "ir.cron", "write", [scheduler], {"active": False})
        # Both languages of the screenshots are active (installing the
        # Chinese one can leave English inactive).
        langs = rpc.read(
            "admin",
            "res.lang",
            [("code", "in", list(LANGS)), ("active", "=", False)],
            ["id"],
            context={"active_test": False},
        )
        if langs:
            rpc(
                "admin",
                "res.lang",
                "write",
                [lang["id"] for lang in langs],
                {"active": True},
            )

    def reviews(self, domain=(), fields=("id",)):
        return self.rpc.read(
            "admin",
            "perf.review",
            [("cycle_id", "=", self.cycle), *domain],
            list(fields),
        )

    def review_of(self, login):
        user = self.rpc.uid(login)
        return self.reviews([("user_id", "=", user)])[0]["id"]

    def launch(self):
        say("   HR launches the cycle")
        self.rpc(HR, "perf.cycle", "action_launch", [self.cycle])

    def set_goals(self):
        """Every review still in goal setting: its setter adds an objective
        where the template asks for one and submits."""
        todo = self.reviews(
            [("state", "=", "goal_setting")], ["id", "user_id", "employee_id"]
        )
        say(f"   {len(todo)} people set their goals")
        for review in todo:
            login = self.rpc.login_of(review["user_id"][0])
            if review["id"] not in self.filled:
                self.fill_goals(login, review["id"])
            self.rpc(login, "perf.review", "action_submit_goals", [review["id"]])

    def fill_goals(self, login, review_id):
        """What the template asks the person to add: an indicator of their
        own for the weight the template leaves them, an objective with two
        key results where OKRs are on."""
        review = self.rpc(
            login, "perf.review", "read", [review_id], ["objective_ids", "template_id"]
        )[0]
        template = self.rpc(
            "admin",
            "perf.template",
            "read",
            [review["template_id"][0]],
            ["okr_enabled", "allow_employee_indicators", "kpi_weight"],
        )[0]
        kpis = self.rpc.read(
            login,
            "perf.review.line",
            [("review_id", "=", review_id), ("kind", "=", "kpi")],
            ["weight"],
        )
        left = 100 - sum(line["weight"] for line in kpis)
        if (
            template["allow_employee_indicators"]
            and template["kpi_weight"]
            and left > 0
        ):
            self.rpc(
                login,
                "perf.review.line",
                "create",
                {
                    "review_id": review_id,
                    "name": "Mentor a new colleague",
                    "weight": left,
                    "target_value": 3,
                },
            )
        if template["okr_enabled"] and not review["objective_ids"]:
            self.rpc(
                login,
                "perf.objective",
                "create",
                {
                    "review_id": review_id,
                    "name": "Ship the new release",
                    "weight": 100,
                    "key_result_ids": [
                        (0, 0, {"name": "Release 2.0 live", "weight": 60}),
                        (0, 0, {"name": "3 customers moved", "weight": 40}),
                    ],
                },
            )

    def approve_goals(self):
        pending = self.reviews(
            [("state", "=", "goal_approval")], ["id", "current_approver_id"]
        )
        while pending:
            say(f"   {len(pending)} goal sheets approved")
            for review in pending:
                login = self.rpc.login_of(review["current_approver_id"][0])
                self.rpc(login, "perf.review", "action_approve_goals", [review["id"]])
            pending = self.reviews(
                [("state", "=", "goal_approval")], ["id", "current_approver_id"]
            )

    def start_execution(self):
        say("   HR starts the execution")
        self.rpc(
            HR,
            "perf.cycle",
            "action_start_execution",
            [self.cycle],
            context={"perf_force": True},
        )

    def check_ins(self):
        """Everybody records how far they got: an actual value for each
        indicator, progress for each key result, as good as they are."""
        reviews = self.reviews([("state", "=", "execution")], ["id", "user_id"])
        say(f"   {len(reviews)} people check in")
        for review in reviews:
            login = self.rpc.login_of(review["user_id"][0])
            level = performance(login) / 100
            lines = self.rpc.read(
                login,
                "perf.review.line",
                [
                    ("review_id", "=", review["id"]),
                    ("kind", "in", ["kpi", "key_result"]),
                ],
                ["kind", "target_value", "direction"],
            )
            for line in lines:
                values = {
                    "review_id": review["id"],
                    "line_id": line["id"],
                    "status": "on_track" if level > 0.75 else "at_risk",
                }
                target = line["target_value"] or 100
                if line["kind"] == "key_result":
                    values["progress"] = round(100 * level)
                elif line["direction"] == "lower":
                    values["value"] = round(target * (2 - level), 1)
                else:
                    values["value"] = round(target * level, 1)
                self.rpc(login, "perf.checkin", "create", values)

    def start_evaluation(self):
        say("   HR starts the evaluation (naming who rates the CEO)")
        action = self.rpc(HR, "perf.cycle", "action_start_evaluation", [self.cycle])
        wizard = action["res_id"]
        lines = self.rpc.read(
            HR,
            "perf.cycle.evaluation.line",
            [("wizard_id", "=", wizard), ("required", "=", True)],
            ["rater_id"],
        )
        admin = self.rpc.uid("admin")
        for line in lines:
            if not line["rater_id"]:
                self.rpc(
                    HR,
                    "perf.cycle.evaluation.line",
                    "write",
                    [line["id"]],
                    {"rater_id": admin},
                )
        self.rpc(HR, "perf.cycle.evaluation", "action_confirm", [wizard])

    def open_ratings(self, role=None):
        domain = [("cycle_id", "=", self.cycle), ("state", "=", "todo")]
        if role:
            domain.append(("role", "=", role))
        return self.rpc.read(
            "admin", "perf.review.rating", domain, ["rater_id", "review_id", "role"]
        )

    def score(self, rating, submit=True):
        """The rater fills in every line (the suggestion where there is
        one, else their judgement of the person) and submits."""
        login = self.rpc.login_of(rating["rater_id"][0])
        employee = self.rpc(
            "admin", "perf.review", "read", [rating["review_id"][0]], ["user_id"]
        )[0]["user_id"]
        level = performance(self.rpc.login_of(employee[0]) if employee else "?")
        level += 4 if rating["role"] == "self" else 0
        lines = self.rpc.read(
            login,
            "perf.review.rating.line",
            [("rating_id", "=", rating["id"])],
            ["has_suggestion", "suggested_score", "score_min", "score_max"],
        )
        for line in lines:
            low, high = line["score_min"], line["score_max"]
            value = (
                line["suggested_score"]
                if line["has_suggestion"]
                else round(low + (high - low) * min(level, 100) / 100)
            )
            self.rpc(
                login,
                "perf.review.rating.line",
                "write",
                [line["id"]],
                {"score": value},
            )
        if submit:
            self.rpc(login, "perf.review.rating", "action_submit", [rating["id"]])

    def finish_ratings(self, keep=()):
        """Every open rating but those in ``keep`` is scored and submitted,
        step after step."""
        while True:
            todo = [r for r in self.open_ratings() if r["id"] not in keep]
            if not todo:
                return
            say(f"   {len(todo)} ratings scored and submitted")
            for rating in todo:
                self.score(rating)

    def start_calibration(self):
        say("   HR starts the calibration")
        self.rpc(
            HR,
            "perf.cycle",
            "action_start_calibration",
            [self.cycle],
            context={"perf_force": True},
        )

    def calibrations(self, fields=("id", "calibrator_id", "state")):
        return self.rpc.read(
            "admin", "perf.calibration", [("cycle_id", "=", self.cycle)], list(fields)
        )

    def calibration_of(self, login):
        user = self.rpc.uid(login)
        return next(
            c["id"] for c in self.calibrations() if c["calibrator_id"][0] == user
        )

    def calibrate_all(self):
        """Each calibrator fits their group to the policy and submits; an
        HR officer not in the group approves."""
        distribution = domain_module("distribution")
        for calibration in self.calibrations():
            login = self.rpc.login_of(calibration["calibrator_id"][0])
            self.fit(login, calibration["id"], distribution)
            self.rpc(login, "perf.calibration", "action_submit", [calibration["id"]])
            for officer in HR_OFFICERS:
                try:
                    self.rpc(
                        officer,
                        "perf.calibration",
                        "action_approve",
                        [calibration["id"]],
                    )
                    break
                except xmlrpc.client.Fault:
                    continue
            else:
                raise odoo_env.SetupError(
                    f"no HR officer may approve calibration {calibration['id']}"
                )
        say(f"   {len(self.calibrations())} calibration groups submitted and approved")

    def fit(self, login, calibration_id, distribution):
        """Move grades, best scores first, until the group's distribution
        fits the policy's head counts."""
        calibration = self.rpc(
            "admin", "perf.calibration", "read", [calibration_id], ["policy_id"]
        )[0]
        if not calibration["policy_id"]:
            return
        lines = self.rpc.read(
            "admin",
            "perf.distribution.policy.line",
            [("policy_id", "=", calibration["policy_id"][0])],
            ["grade_id", "min_pct", "max_pct"],
        )
        grades = self.rpc(
            "admin",
            "perf.rating.grade",
            "read",
            [line["grade_id"][0] for line in lines],
            ["code", "sequence"],
        )
        grades.sort(key=lambda g: (g["sequence"], g["id"]))
        code_of = {g["id"]: g["code"] for g in grades}
        codes = [g["code"] for g in grades]
        policy = {
            code_of[line["grade_id"][0]]: (line["min_pct"], line["max_pct"])
            for line in lines
        }
        reviews = self.rpc.read(
            login,
            "perf.review",
            [("calibration_id", "=", calibration_id)],
            ["final_grade_id"],
            order="final_score desc, id",
        )
        current = [code_of.get((r["final_grade_id"] or [0])[0]) for r in reviews]
        quotas = distribution.quota_counts(len(reviews), policy)
        wanted = self.fitted(current, codes, quotas)
        ids = {code: grade_id for grade_id, code in code_of.items()}
        for review, before, after in zip(reviews, current, wanted, strict=True):
            if before != after:
                self.rpc(
                    login,
                    "perf.review",
                    "write",
                    [review["id"]],
                    {
                        "calibrated_grade_id": ids[after],
                        "calibration_note": "Calibrated against the distribution.",
                    },
                )

    @staticmethod
    def fitted(current, codes, quotas):
        """Grade codes for a group sorted best first (``current``: their
        grades now): each keeps its grade while the grade has seats, else
        takes the next one down; the lower grades then get their minimum
        from the bottom of the group."""
        counts = dict.fromkeys(codes, 0)
        wanted = []
        for code in current:
            index = codes.index(code) if code in codes else len(codes) - 1
            while (
                index < len(codes) - 1
                and counts[codes[index]] >= (quotas[codes[index]][1])
            ):
                index += 1
            counts[codes[index]] += 1
            wanted.append(codes[index])
        for code in reversed(codes):
            position = len(wanted) - 1
            while counts[code] < quotas[code][0] and position >= 0:
                above = wanted[position]
                if codes.index(above) < codes.index(code):
                    counts[above] -= 1
                    counts[code] += 1
                    wanted[position] = code
                position -= 1
        return wanted

    def rate_until(self, role, login):
        """Score and submit the open ratings, step after step, until
        ``login``'s rating by ``role`` opens; return it, still open."""
        review = self.review_of(login)
        while True:
            ratings = self.open_ratings()
            for rating in ratings:
                if rating["role"] == role and rating["review_id"][0] == review:
                    return rating
            if not ratings:
                raise odoo_env.SetupError(f"{login}'s {role} rating never opened")
            say(f"   {len(ratings)} ratings scored and submitted")
            for rating in ratings:
                self.score(rating)

    def publish(self):
        say("   HR publishes the results")
        self.rpc(HR, "perf.cycle", "action_publish", [self.cycle])


def domain_module(name):
    """A module of perf_closed_loop/domain (pure Python), without Odoo."""
    if odoo_env.MODULE not in sys.modules:
        package = types.ModuleType(odoo_env.MODULE)
        package.__path__ = [str(REPO / odoo_env.MODULE)]
        sys.modules[odoo_env.MODULE] = package
    return __import__(f"{odoo_env.MODULE}.domain.{name}", fromlist=[name])


# ------------------------------------------------------------------ Chrome
class Chrome:
    """Headless Chromium over the DevTools protocol, as Odoo's tour runner."""

    def __init__(self, browser):
        import websocket  # noqa: PLC0415 - in .venv (requirements.txt)

        self.profile = Path(tempfile.mkdtemp(prefix="perf_shots_chrome_"))
        self.proc = subprocess.Popen(
            [browser, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}"]
            + ["about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.time() + 30
        while not port_file.is_file() or not port_file.read_text().strip():
            if time.time() > deadline or self.proc.poll() is not None:
                self.close()
                raise odoo_env.SetupError(f"{browser} did not start its DevTools")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as resp:
            page = next(t for t in json.load(resp) if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True, timeout=60
        )
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        """Until ``selector`` is on the page and Odoo has nothing loading."""
        check = (
            f"!!document.querySelector({json.dumps(selector)}) && "
            "!document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        deadline = time.time() + timeout
        steady = 0
        while steady < 3:
            if time.time() > deadline:
                raise RuntimeError(f"{selector} did not show")
            steady = steady + 1 if self.evaluate(check) else 0
            time.sleep(0.3)

    def shoot(self, base, path, session, device, steps):
        width, height, mobile = DEVICES[device]
        self.send("Network.enable")
        self.send("Network.clearBrowserCookies")
        self.send(
            "Network.setCookie",
            name="session_id",
            value=session,
            url=base,
        )
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.send("Emulation.setTouchEmulationEnabled", enabled=mobile)
        self.send("Page.enable")
        self.send("Page.navigate", url=base + path)
        for kind, selector, *offset in steps:
            found = f"document.querySelector({json.dumps(selector)})"
            if kind == "click":
                self.evaluate(f"{found}.click()")
            elif kind == "scroll":
                self.evaluate(SCROLL % (found, offset[0] if offset else 0))
            else:
                self.wait_for(selector)
        self.evaluate(
            "document.activeElement && document.activeElement.blur();"
            # Real-time notifications of earlier phases would cover the screen.
            "document.querySelectorAll('.o_notification').forEach(e => e.remove())"
        )
        time.sleep(0.5)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        return base64.b64decode(data)

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


# Scroll an element to the top of the view, less an offset (pixels), in
# whichever container scrolls it.
SCROLL = """(() => {
    const el = %s;
    el.scrollIntoView({block: "start"});
    let box = el.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight
                    && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
        box = box.parentElement;
    }
    (box || document.scrollingElement).scrollBy(0, -%d);
})()"""


def session_of(url, db, login):
    """A web session cookie for ``login``."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": db, "login": login, "password": login},
        }
    ).encode("utf-8")
    request = urllib.request.Request(
        f"{url}/web/session/authenticate",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with opener.open(request) as resp:
        answer = json.load(resp)
    if answer.get("error"):
        raise odoo_env.SetupError(f"cannot log in as {login}: {answer['error']}")
    return next(c.value for c in jar if c.name == "session_id")


def optimise(png):
    """256 colours, no dithering (the screens are flat colours), compressed."""
    from PIL import Image  # noqa: PLC0415 - in .venv (Odoo's requirements)

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --------------------------------------------------------------- the shots
FORM = ".o_form_view .o_form_sheet"
RESULT = FORM + " div[name=final_score]"


def screens(scenario, stage):
    """(screen, login, device, url path, steps) of the screens of ``stage``,
    once the scenario has reached it."""
    if stage == "draft":
        button = "button[name=action_preview_launch]"
        return [
            (
                "launch_preview",
                HR,
                "desktop",
                ACTION.format("perf_cycle_action", scenario.cycle),
                [("wait", button), ("click", button), ("wait", ".modal .o_data_row")],
            )
        ]
    if stage == "goals":
        review = scenario.review_of(EMPLOYEE)
        return [
            (
                "goals",
                EMPLOYEE,
                "phone",
                ACTION.format("perf_review_action_my", review),
                [("wait", FORM + " .o_notebook"), ("scroll", ".o_notebook", 8)],
            )
        ]
    if stage == "evaluation":
        return [
            (
                "scoring",
                MANAGER,
                "desktop",
                ACTION.format("perf_review_rating_action_todo", scenario.shown_rating),
                [("wait", FORM)],
            )
        ]
    if stage == "calibration":
        calibration = scenario.calibration_of(CALIBRATOR)
        return [
            (
                "calibration",
                CALIBRATOR,
                "desktop",
                ACTION.format("perf_calibration_action", calibration),
                [("wait", FORM + " .o_perf_distribution")],
            )
        ]
    review = scenario.review_of(EMPLOYEE)
    return [
        (
            "results",
            HR,
            "desktop",
            ACTION.format("perf_cycle_action", scenario.cycle),
            [("wait", FORM + " .o_notebook"), ("scroll", ".o_notebook", 16)],
        ),
        (
            "my_result",
            EMPLOYEE,
            "phone",
            ACTION.format("perf_review_action_my_results", review),
            [("wait", RESULT), ("scroll", RESULT, 75)],
        ),
    ]


class Camera:
    """Takes a stage's screens in each language and writes them to OUT."""

    def __init__(self, scenario, url, chrome, only):
        self.scenario, self.url, self.chrome, self.only = scenario, url, chrome, only

    def take(self, stage):
        say(f"== {stage}")
        rpc = self.scenario.rpc
        for screen, login, device, path, steps in screens(self.scenario, stage):
            if self.only and screen not in self.only:
                continue
            user = rpc.uid(login)
            for lang, short in LANGS.items():
                rpc("admin", "res.users", "write", [user], {"lang": lang})
                session = session_of(self.url, rpc.db, login)
                png = self.chrome.shoot(self.url, path, session, device, steps)
                out = OUT / f"{screen}_{short}.png"
                out.write_bytes(optimise(png))
                say(f"   {out.relative_to(REPO)} ({out.stat().st_size // 1024} KB)")


def walk(scenario, camera):
    """The cycle from draft to published, a stage's screens at each stage."""
    OUT.mkdir(parents=True, exist_ok=True)
    camera.take("draft")
    scenario.launch()
    # xie.yu has started on her goals (an objective) when she is pictured.
    scenario.fill_goals(EMPLOYEE, scenario.review_of(EMPLOYEE))
    scenario.filled.add(scenario.review_of(EMPLOYEE))
    camera.take("goals")
    scenario.set_goals()
    scenario.approve_goals()
    scenario.start_execution()
    scenario.check_ins()
    scenario.start_evaluation()
    # zhang.wei has scored xie.yu, not submitted yet, when he is pictured.
    rating = scenario.rate_until("manager", EMPLOYEE)
    scenario.score(rating, submit=False)
    scenario.shown_rating = rating["id"]
    camera.take("evaluation")
    scenario.finish_ratings()
    scenario.start_calibration()
    camera.take("calibration")
    scenario.calibrate_all()
    scenario.publish()
    camera.take("published")


def ensure_cjk_font():
    """The Chinese screens need a CJK font (Debian: fonts-noto-cjk)."""
    found = subprocess.run(
        ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if found:
        return
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if root and shutil.which("apt-get"):
        say("== installing a CJK font for the Chinese screens (fonts-noto-cjk)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "fonts-noto-cjk"],
        ):
            if subprocess.run(command, capture_output=True, env=env).returncode:
                break
        else:
            return
    raise odoo_env.SetupError(
        "No CJK font: the Chinese screenshots would show boxes. Run "
        "'apt-get install fonts-noto-cjk' (as root), then run again."
    )


def wait_for_server(url, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise odoo_env.SetupError("Odoo stopped while starting; see its log")
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=10):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    raise odoo_env.SetupError(f"Odoo did not answer on {url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="perf_shots")
    parser.add_argument("--only", nargs="+", metavar="SCREEN", help="these screens")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    try:
        odoo, params = setup_env.enter_with_odoo(__file__, sys.argv[1:])
        browser = setup_env.ensure_chromium()
        ensure_cjk_font()
        odoo_env.dropdb(params, args.database)
    except odoo_env.SetupError as exc:
        sys.exit(f"ERROR: {exc}")
    data_dir = Path(tempfile.mkdtemp(prefix="perf_shots_data_"))
    port = odoo_env.free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="perf_shots_", suffix=".log")[1])
    server = chrome = None
    try:
        common = start.create_demo_database(odoo, params, args.database, data_dir)
        with log.open("w") as handle:
            server = subprocess.Popen(
                odoo.command
                + common
                + [
                    f"--http-port={port}",
                    "--http-interface=127.0.0.1",
                    "--workers=0",
                    "--max-cron-threads=1",
                    "--log-level=warn",
                ],
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        wait_for_server(url, server)
        chrome = Chrome(browser)
        scenario = Scenario(Rpc(url, args.database))
        walk(scenario, Camera(scenario, url, chrome, set(args.only or ())))
        say(f"done: now run 'python3 tools/gen_readme.py' (server log: {log})")
    except (odoo_env.SetupError, xmlrpc.client.Fault, RuntimeError) as exc:
        text = fault_text(exc) if isinstance(exc, xmlrpc.client.Fault) else exc
        sys.exit(f"ERROR: {text} (server log: {log})")
    finally:
        if chrome:
            chrome.close()
        if server and server.poll() is None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep_db:
            try:
                odoo_env.dropdb(params, args.database)
            except odoo_env.SetupError as exc:
                say(str(exc))
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
