# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The set-up of ``.venv`` (tools/setup_env.py) and the one-line messages of
what cannot be set up (tools/odoo_env.py, start.py, run_tests.py), without
network, pip or Odoo: pip, venv creation and the re-exec are replaced."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import odoo_env  # noqa: E402
import setup_env  # noqa: E402

# Lines of Odoo 18.0's requirements.txt, markers as Odoo writes them.
ODOO_REQUIREMENTS = """\
# The officially supported versions of the following packages are their
# python3-* equivalent distributed in Ubuntu 24.04 and Debian 12
Babel==2.9.1 ; python_version < '3.11'  # min version = 2.6.0
Babel==2.10.3 ; python_version >= '3.11'
cbor2==5.4.2 ; python_version < '3.12'
cbor2==5.6.2 ; python_version >= '3.12'
gevent==21.8.0 ; sys_platform != 'win32' and python_version == '3.10'  # (Jammy)
gevent==22.10.2; sys_platform != 'win32' and python_version > '3.10' and python_version < '3.12'
gevent==24.2.1 ; sys_platform != 'win32' and python_version >= '3.12'  # (Noble)
lxml==5.2.1; python_version >= '3.12' # (Noble - removed html clean)
lxml-html-clean; python_version >= '3.12'
psycopg2==2.9.5 ; python_version == '3.11'
psycopg2==2.9.9 ; python_version >= '3.12' # (Noble)
pypiwin32 ; sys_platform == 'win32'
python-ldap==3.4.0 ; sys_platform != 'win32' and python_version < '3.12'
python-ldap==3.4.4 ; sys_platform != 'win32' and python_version >= '3.12'
pytz  # no version pinning to avoid OS perturbations
"""  # noqa: E501
FILTERED = [
    "Babel==2.10.3",
    "cbor2==5.6.2",
    "gevent==24.2.1",
    "lxml==5.2.1",
    "lxml-html-clean",
    "pytz",
    "psycopg2-binary==2.9.9",
]


def one_line(message):
    message = str(message)
    assert message and "\n" not in message and "Traceback" not in message
    return message


# ---------------------------------------------------------------- filtering
@pytest.mark.parametrize("version", [(3, 10), (3, 11), (3, 12)])
def test_markers_are_evaluated_as_python_312(version):
    assert setup_env.filter_requirements(ODOO_REQUIREMENTS, version, "linux") == (
        FILTERED
    )


def test_newer_python_keeps_its_own_version():
    env = setup_env.marker_environment((3, 13, 1), "linux")
    assert env == {"python_version": "3.13", "sys_platform": "linux"}
    assert setup_env.marker_environment((3, 11, 7), "linux")["python_version"] == (
        "3.12"
    )


def test_platform_markers_use_the_platform():
    lines = setup_env.filter_requirements(ODOO_REQUIREMENTS, (3, 11), "win32")
    assert "pypiwin32" in lines and "gevent==24.2.1" not in lines


def test_python_ldap_and_psycopg2_are_replaced():
    lines = setup_env.filter_requirements(ODOO_REQUIREMENTS)
    names = {line.split("=")[0].split(";")[0].lower() for line in lines}
    assert not names & {"python-ldap", "psycopg2"}
    assert lines[-1] == "psycopg2-binary==2.9.9"


def test_an_unreadable_requirement_is_one_line():
    with pytest.raises(odoo_env.SetupError, match="line 2") as error:
        setup_env.filter_requirements("pytz\n-e git+https://example.invalid/x\n")
    one_line(error.value)


# ------------------------------------------------------------------ .venv
class FakeSetup:
    """Replaces venv creation, the .pth and pip; records pip's calls."""

    def __init__(self, monkeypatch, tmp_path, pip_output="", pip_code=0):
        self.venv = tmp_path / "venv"
        self.project = tmp_path / "requirements.txt"
        self.project.write_text("pytest==9.0.3\n", encoding="utf-8")
        self.created, self.pip = 0, []
        self.pip_output, self.pip_code = pip_output, pip_code
        monkeypatch.setattr(setup_env, "_create_venv", self.create)
        monkeypatch.setattr(setup_env, "_write_pth", lambda *args: None)
        monkeypatch.setattr(setup_env, "_run_pip", self.run_pip)

    def create(self, venv, version=None):
        self.created += 1
        setup_env.venv_python(venv).parent.mkdir(parents=True, exist_ok=True)
        setup_env.venv_python(venv).write_text("", encoding="utf-8")
        version = version or platform.python_version()
        (venv / "pyvenv.cfg").write_text(f"version = {version}\n", encoding="utf-8")

    def run_pip(self, python, requirements, log):
        self.pip.append(Path(requirements).read_text(encoding="utf-8"))
        with log.open("a", encoding="utf-8") as handle:
            handle.write(self.pip_output)
        return self.pip_code

    def prepare(self, odoo):
        return setup_env.prepare(
            odoo, venv=self.venv, project=self.project, say=lambda *a: None
        )


def fake_odoo_tree(root, version="18.0"):
    (root / "odoo").mkdir(parents=True)
    (root / "odoo-bin").write_text("", encoding="utf-8")
    (root / "odoo" / "release.py").write_text(
        f"major_version = {version!r}\n", encoding="utf-8"
    )
    (root / "requirements.txt").write_text(ODOO_REQUIREMENTS, encoding="utf-8")
    return root


@pytest.fixture
def odoo(tmp_path, monkeypatch):
    monkeypatch.setenv("ODOO_HOME", str(fake_odoo_tree(tmp_path / "odoo18")))
    return odoo_env.find_odoo()


def test_second_prepare_skips_pip(monkeypatch, tmp_path, odoo):
    fake = FakeSetup(monkeypatch, tmp_path)
    python = fake.prepare(odoo)
    assert python == setup_env.venv_python(fake.venv)
    assert fake.created == 1
    assert fake.pip[0] == "pytest==9.0.3\n"
    assert fake.pip[1].splitlines() == FILTERED
    fake.prepare(odoo)
    assert (fake.created, len(fake.pip)) == (1, 2)


def test_a_changed_requirement_runs_pip_again(monkeypatch, tmp_path, odoo):
    fake = FakeSetup(monkeypatch, tmp_path)
    fake.prepare(odoo)
    fake.project.write_text("pytest==9.0.4\n", encoding="utf-8")
    fake.prepare(odoo)
    assert len(fake.pip) == 4
    requirements = Path(odoo.root) / "requirements.txt"
    requirements.write_text(ODOO_REQUIREMENTS + "polib==1.1.1\n", encoding="utf-8")
    fake.prepare(odoo)
    assert len(fake.pip) == 6 and "polib==1.1.1" in fake.pip[-1]
    fake.prepare(None)  # without Odoo: the project's requirements only
    assert len(fake.pip) == 7


def test_a_venv_of_another_python_is_made_again(monkeypatch, tmp_path, odoo):
    fake = FakeSetup(monkeypatch, tmp_path)
    fake.create(fake.venv, version="3.9.1")
    fake.prepare(odoo)
    assert fake.created == 2


def test_a_requirement_that_fails_to_build(monkeypatch, tmp_path, odoo):
    output = (
        "Collecting bogus-wheel==0.0.1\n"
        "  error: subprocess-exited-with-error\n"
        "  × Building wheel for bogus-wheel (pyproject.toml) did not run "
        "successfully.\n"
        "  ERROR: Failed building wheel for bogus-wheel\n"
        "Failed to build bogus-wheel\n"
    )
    fake = FakeSetup(monkeypatch, tmp_path, output, pip_code=1)
    with pytest.raises(odoo_env.SetupError) as error:
        fake.prepare(odoo)
    message = one_line(error.value)
    assert "could not build bogus-wheel from source" in message
    assert "perf-setup.log" in message
    assert not (fake.venv / setup_env.STAMP).exists()
    fake.pip_code = 0
    fake.prepare(odoo)  # the next run tries again
    assert (fake.venv / setup_env.STAMP).exists()


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            "ERROR: Could not find a version that satisfies the requirement "
            "nope==1 (from versions: none)\nERROR: No matching distribution "
            "found for nope==1\n",
            "could not download nope==1",
        ),
        (
            "ERROR: Cannot install a==1 and b==2 because these package versions "
            "have conflicting dependencies.\n",
            "cannot install a==1 and b==2 together",
        ),
        ("Collecting half-done\nKilled\n", "pip stopped at half-done"),
        (
            "Collecting cbor2==5.4.2\nerror: subprocess-exited-with-error\n× Getting "
            "requirements to build wheel did not run successfully.\n",
            "pip could not build cbor2 from source",
        ),
        ("", "pip failed"),
    ],
)
def test_pip_failures_are_one_line(output, expected, tmp_path):
    message = setup_env.pip_failure(output, "Odoo's requirements", tmp_path / "log")
    assert expected in one_line(message)


# ------------------------------------------------------------------ re-exec
def test_no_venv_escape(monkeypatch):
    monkeypatch.setenv(setup_env.NO_VENV, "1")
    monkeypatch.setattr(setup_env, "prepare", pytest.fail)
    assert setup_env.enter("script.py", [], None) is None


def test_reexec_runs_the_script_with_the_venv_python(monkeypatch, tmp_path):
    python = tmp_path / "bin" / "python"
    calls = []
    monkeypatch.delenv(setup_env.NO_VENV, raising=False)
    monkeypatch.delenv(setup_env.REEXEC, raising=False)
    monkeypatch.setattr(setup_env, "prepare", lambda odoo, say: python)
    monkeypatch.setattr(setup_env, "in_venv", lambda venv=None: False)
    monkeypatch.setattr(setup_env.os, "execve", lambda *args: calls.append(args))
    setup_env.enter("tools/start.py", ["--port", "8070"], None)
    ((executable, argv, env),) = calls
    assert executable == python
    assert argv == [str(python), "tools/start.py", "--port", "8070"]
    assert env[setup_env.REEXEC] == "1"
    assert env["PATH"].split(os.pathsep)[0] == str(python.parent)


def test_no_reexec_loop(monkeypatch, tmp_path):
    monkeypatch.delenv(setup_env.NO_VENV, raising=False)
    monkeypatch.setenv(setup_env.REEXEC, "1")
    monkeypatch.setattr(setup_env, "prepare", lambda odoo, say: tmp_path / "python")
    monkeypatch.setattr(setup_env, "in_venv", lambda venv=None: False)
    monkeypatch.setattr(setup_env.os, "execve", pytest.fail)
    with pytest.raises(odoo_env.SetupError, match=setup_env.NO_VENV) as error:
        setup_env.enter("tools/start.py", [], None)
    one_line(error.value)


# ------------------------------------------------------------------ Chromium
@pytest.mark.parametrize(
    ("uid", "command"), [(1000, "'sudo apt-get install chromium'"), (0, "'apt-get")]
)
def test_missing_chromium_names_the_command(monkeypatch, uid, command):
    monkeypatch.setattr(setup_env.shutil, "which", lambda name: None)
    monkeypatch.setattr(setup_env.os, "geteuid", lambda: uid, raising=False)
    with pytest.raises(odoo_env.SetupError) as error:
        setup_env.ensure_chromium(say=lambda *a: None)
    assert command in one_line(error.value)


# ------------------------------------------------------- what cannot be found
def test_odoo_home_without_odoo(monkeypatch, tmp_path):
    monkeypatch.setenv("ODOO_HOME", str(tmp_path))
    with pytest.raises(odoo_env.SetupError, match="not an Odoo source tree") as error:
        odoo_env.find_odoo()
    one_line(error.value)


@pytest.mark.parametrize(
    ("release", "expected"), [("17.0", "Odoo 17.0 found"), ("", "does not say")]
)
def test_odoo_home_of_another_version(monkeypatch, tmp_path, release, expected):
    fake_odoo_tree(tmp_path, release)
    if not release:
        (tmp_path / "odoo" / "release.py").write_text("not Python at all\n")
    monkeypatch.setenv("ODOO_HOME", str(tmp_path))
    with pytest.raises(odoo_env.SetupError, match=expected) as error:
        odoo_env.find_odoo()
    assert "needs Odoo 18.0" in one_line(error.value)


def test_no_odoo_says_where_to_get_it(monkeypatch):
    monkeypatch.delenv("ODOO_HOME", raising=False)
    monkeypatch.setattr(odoo_env, "_probe_import", lambda python: None)
    with pytest.raises(odoo_env.SetupError, match="github.com/odoo/odoo") as error:
        odoo_env.require_odoo()
    one_line(error.value)


def test_odoo_found_by_import_without_its_requirements(tmp_path):
    odoo = odoo_env.Odoo([], "", "18.0", str(tmp_path / "odoo"), tmp_path)
    with pytest.raises(odoo_env.SetupError, match="ODOO_HOME") as error:
        setup_env.odoo_requirements(odoo)
    one_line(error.value)


def test_postgres_not_answering():
    params = {"host": "127.0.0.1", "port": "1", "user": "odoo"}
    with pytest.raises(odoo_env.SetupError, match="does not answer") as error:
        odoo_env.check_postgres(params)
    one_line(error.value)


# ---------------------------------------------------- the commands themselves
def run_tool(tmp_path, *argv, **env):
    env = dict(os.environ, PERF_NO_VENV="1", **env)
    env.pop(setup_env.REEXEC, None)
    return subprocess.run(
        [sys.executable, *argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("tree", "env", "expected"),
    [
        (None, {}, "is not an Odoo source tree"),
        ("17.0", {}, "Odoo 17.0 found"),
        ("18.0", {"PGPORT": "1"}, "PostgreSQL does not answer on 127.0.0.1:1"),
    ],
)
def test_start_ends_in_one_line(tmp_path, tree, env, expected):
    home = fake_odoo_tree(tmp_path / "odoo", tree) if tree else tmp_path
    proc = run_tool(
        tmp_path,
        "tools/start.py",
        "--database",
        "perf_unused",
        ODOO_HOME=str(home),
        **env,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert one_line(proc.stderr.strip()).startswith("ERROR: ")
    assert expected in proc.stderr


def test_run_tests_tier2_ends_in_one_line(tmp_path):
    proc = run_tool(tmp_path, "tools/run_tests.py", "--tier", "2", ODOO_HOME="/")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "ODOO TIER CANNOT RUN: ODOO_HOME=/ is not an Odoo source tree" in (
        proc.stdout
    )
    assert proc.stdout.rstrip().endswith("tier2: 0 passed, 1 failed")
