"""A class on a real JupyterHub: release, fetch, submit, collect, autograde — through the hub and the servers.

The hub runs with the deployment's own configuration (deploy/jupyterhub/jupyterhub_config.py), loaded by a test
configuration that changes only what a test must:

* DummyAuthenticator: no passwords (the test logs nobody in through a form; it talks to the REST APIs).
* SimpleLocalProcessSpawner: every single-user server runs as the account running the test, with its HOME under
  the test's temporary folder. The real deployment runs each student's server as their own account (PAM and
  LocalProcessSpawner); here nobody else exists, so file permissions cannot separate the users. What the test
  shows is the hub, the per-group settings, the proxy and the nbgrader exchange working together; that a
  student cannot read the course folder is left to the operating system, as documented.
* Ports chosen free on 127.0.0.1; the hub state, the exchange and every HOME in a temporary folder.

Scenario: the instructor (teacher) generates and releases 11-variants through the formgrader API of their
server; ada and grace list and fetch it through the assignment-list API of their own servers, write their
answers with the contents API, and submit; the instructor collects and autogrades both through the formgrader;
both grades are then in the gradebook, each graded against the student's own variant.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.hub, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
UNIT = "11-variants"
COURSE_ID = "medcode-practice"
INSTRUCTOR, STUDENTS = "teacher", ("ada", "grace")
HOST = "127.0.0.1"


# ----------------------------------------------------------------------------------------------- tools
def proxy_command() -> str:
    """Return configurable-http-proxy's path; skip when node/npm are absent, fail when only the proxy is."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are not installed: the JupyterHub proxy (configurable-http-proxy) cannot run")
    for candidate in (os.environ.get("MEDCODE_HUB_PROXY"),
                      VENV_BIN.parent / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy",
                      shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    pytest.fail("configurable-http-proxy is not installed: run `make hub-deps` (npm ci into .venv/hub-proxy)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def demo_salt() -> str:
    import yaml

    return str(yaml.safe_load((ROOT / "autograder" / "assessment" / "variants.yaml").read_text())["salt"])


def key_text(student: str, slot: str, template: str) -> str:
    from medcode_practice.grading import key_answer
    from medcode_practice.grading.variants import student_case

    key = key_answer(student_case(template, student, UNIT, slot, demo_salt()))
    return ", ".join(key["diagnoses"] + key["procedures"] + key["pcs"])


class Hub:
    """A running hub: REST helpers with per-user tokens, and the log for failure messages."""

    def __init__(self, url: str, token: str, log: Path):
        import requests

        self.url, self.log = url, log
        self.session = requests.Session()
        self.session.trust_env = False  # never an HTTP proxy from the environment: loopback only
        self.admin = {"Authorization": f"token {token}"}
        self.tokens: dict[str, str] = {}

    def tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def api(self, method: str, path: str, expect=(200, 201, 202, 204), **kwargs):
        response = self.session.request(method, f"{self.url}/hub/api{path}", headers=self.admin, timeout=30,
                                        **kwargs)
        assert response.status_code in expect, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else None

    def as_user(self, user: str, method: str, path: str, owner: str | None = None, timeout: float = 120,
                **kwargs):
        """Call ``path`` on ``owner``'s server (default: the user's own) with ``user``'s token; return the response."""
        headers = {"Authorization": f"token {self.tokens[user]}"}
        return self.session.request(method, f"{self.url}/user/{owner or user}{path}", headers=headers,
                                    timeout=timeout, allow_redirects=False, **kwargs)

    def ok(self, user: str, method: str, path: str, **kwargs):
        response = self.as_user(user, method, path, **kwargs)
        assert response.status_code == 200, (f"{user} {method} {path}: {response.status_code} "
                                              f"{response.text[:800]}\n--- hub log ---\n{self.tail()}")
        return response.json() if response.content else None


def wait_until(what: str, check, timeout: float, hub: Hub | None = None, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n" + (hub.tail() if hub else ""))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop(process: subprocess.Popen, grace: float = 30.0) -> None:
    """Stop the hub: TERM to it alone (it then stops the servers and the proxy it started), KILL its group after
    ``grace`` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait(timeout=10)


def stop_pid(pid: int) -> None:
    """KILL a process that outlived the hub (not our child, so a zombie cannot fool the check)."""
    if alive(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# ----------------------------------------------------------------------------------------------- the class
def prepare_course(base: Path, env: dict) -> Path:
    """Make the instructor's course (~teacher/medcode-practice) and the students' variant table, as documented."""
    exercises = base / "exercises"
    shutil.copytree(ROOT / "exercises" / "source" / UNIT, exercises / UNIT)
    course = base / "homes" / INSTRUCTOR / COURSE_ID
    course.parent.mkdir(parents=True)
    medcode = [sys.executable, "-m", "medcode_practice.cli", "course"]
    for args in (["init", str(course), "--exercises", str(exercises)],
                 ["variants", str(course), UNIT, "--no-generate", *[f"--student={s}" for s in STUDENTS]]):
        done = subprocess.run(medcode + args, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"medcode course {args[0]}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return course


def hub_config(base: Path, proxy: str, ports: dict, token: str) -> Path:
    path = base / "jupyterhub_config.py"
    deploy = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
    extra_env = {"MEDCODE_CACHE_DIR": os.environ.get("MEDCODE_CACHE_DIR", ""), "PYTHONWARNINGS": "ignore"}
    path.write_text(f"""
c = get_config()
load_subconfig({str(deploy)!r})

c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(base / 'homes' / '{username}')!r}
c.Spawner.cmd = [{str(VENV_BIN / 'jupyterhub-singleuser')!r}]
c.Spawner.args = ["--ServerApp.allow_root=True"]
c.Spawner.ip = {HOST!r}
c.Spawner.environment = dict(c.Spawner.environment, **{extra_env!r})
c.JupyterHub.hub_ip = {HOST!r}
c.JupyterHub.hub_port = {ports['hub']}
c.ConfigurableHTTPProxy.api_url = "http://{HOST}:{ports['proxy_api']}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.services = [{{"name": "test-driver", "api_token": {token!r}}}]
# Answer a spawn request at once (202) instead of holding it up to 10 s: the test polls for readiness itself.
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
# At shutdown, go from SIGINT (which a Jupyter server answers with a 5 s confirmation prompt) to SIGTERM fast.
c.LocalProcessSpawner.interrupt_timeout = 1
c.JupyterHub.load_roles = c.JupyterHub.load_roles + [{{
    "name": "test-driver", "services": ["test-driver"],
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens", "list:users", "read:users",
               "read:groups", "list:groups", "access:servers"],
}}]
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    proxy = proxy_command()
    base = tmp_path_factory.mktemp("hub")
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)  # as documented for /srv/nbgrader/exchange
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "MEDCODE_ASSESSMENT", "MEDCODE_VARIANT", "MEDCODE_STUDENT", "NBGRADER",
                                "CONFIGPROXY"))}
    env.update(HOME=str(base / "setup-home"), PYTHONWARNINGS="ignore",
               PATH=os.pathsep.join([str(VENV_BIN), str(Path(shutil.which("node")).parent), env.get("PATH", "")]))
    ports = {"public": free_port(), "hub": free_port(), "proxy_api": free_port()}
    token = secrets.token_hex(24)
    config = hub_config(base, proxy, ports, token)
    hub_env = dict(env, HOME=str(base / "hub-home"), MEDCODE_INSTRUCTORS=INSTRUCTOR,
                   MEDCODE_STUDENTS=",".join(STUDENTS), MEDCODE_EXCHANGE=str(exchange), MEDCODE_COURSE_ID=COURSE_ID,
                   MEDCODE_HUB_STATE=str(base / "state"), MEDCODE_HUB_URL=f"http://{HOST}:{ports['public']}",
                   MEDCODE_HUB_CULL="0", CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(24))
    (base / "state").mkdir()
    log = base / "hub.log"
    started = time.monotonic()
    with open(log, "w") as sink:
        process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=base, env=hub_env,
                                   stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    running = Hub(f"http://{HOST}:{ports['public']}", token, log)
    running.base, running.exchange, running.process = base, exchange, process
    server_pids: set[int] = set()
    running.server_pids = server_pids
    try:
        def up():
            assert process.poll() is None, f"the hub exited with {process.returncode}\n{running.tail()}"
            try:
                return running.session.get(f"{running.url}/hub/api/", timeout=2).status_code == 200
            except Exception:  # noqa: BLE001 - not listening yet
                return False

        # The instructor's course is made while the hub boots (the servers read it only when asked).
        running.course = prepare_course(base, env)
        wait_until("the hub to answer", up, 90, running)
        running.startup_seconds = time.monotonic() - started
        yield running
    finally:
        # The hub stops every server it started (all at once) and its proxy when it is told to stop.
        stop(process, grace=30)
        pid_file = base / "jupyterhub-proxy.pid"
        leftovers = set(server_pids)
        if pid_file.is_file() and pid_file.read_text().strip().isdigit():
            leftovers.add(int(pid_file.read_text().strip()))
        for pid in leftovers:
            stop_pid(pid)


@pytest.fixture(scope="module")
def semester(hub):
    """Run the whole scenario once; return what each step answered."""
    from medcode_practice.grading.variants import slots_in_notebook

    slots = slots_in_notebook(ROOT / "exercises" / "source" / UNIT / f"{UNIT}.ipynb")
    times, out = {}, {"slots": slots}
    t0 = time.monotonic()
    users = (INSTRUCTOR, *STUDENTS)
    for user in users:
        hub.api("POST", f"/users/{user}/server", expect=(201, 202))

    def ready(user):
        model = hub.api("GET", f"/users/{user}")
        server = (model.get("servers") or {}).get("")
        return bool(server and server.get("ready"))

    for user in users:
        wait_until(f"{user}'s server", lambda: ready(user), 120, hub)
        state = hub.api("GET", f"/users/{user}", params={"include_stopped_servers": "0"})
        pid = ((state.get("servers") or {}).get("", {}).get("state") or {}).get("pid")
        if pid:
            hub.server_pids.add(int(pid))
        hub.tokens[user] = hub.api("POST", f"/users/{user}/tokens",
                                   json={"note": "hub test", "expires_in": 900})["token"]
    times["servers"] = time.monotonic() - t0

    # The instructor generates and releases through the formgrader of their own server.
    t0 = time.monotonic()
    api = "/formgrader/api"
    out["assign"] = hub.ok(INSTRUCTOR, "POST", f"{api}/assignment/{UNIT}/assign")
    out["release"] = hub.ok(INSTRUCTOR, "POST", f"{api}/assignment/{UNIT}/release")
    times["release"] = time.monotonic() - t0

    # Each student lists, fetches, answers and submits through the assignment list of their own server.
    t0 = time.monotonic()
    out["listed"], out["fetched_files"] = {}, {}
    answers = {"ada": dict(slots), "grace": dict(list(slots.items())[:-1])}  # grace leaves the last item blank
    for student in STUDENTS:
        query = {"course_id": COURSE_ID}
        out["listed"][student] = hub.ok(student, "GET", "/assignments", params=query)
        hub.ok(student, "POST", "/assignments/fetch", data={"assignment_id": UNIT, "course_id": COURSE_ID})
        folder = hub.ok(student, "GET", f"/api/contents/{UNIT}", params={"content": "1"})
        out["fetched_files"][student] = sorted(item["name"] for item in folder["content"])
        model = hub.ok(student, "GET", f"/api/contents/{UNIT}/{UNIT}.ipynb", params={"content": "1"})
        nb = model["content"]
        for cell in nb["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            slot = grade_id.removesuffix("-answer")
            if grade_id.endswith("-answer") and slot in answers[student]:
                cell["source"] = f'answer = "{key_text(student, slot, slots[slot])}"'
        hub.ok(student, "PUT", f"/api/contents/{UNIT}/{UNIT}.ipynb",
               json={"type": "notebook", "format": "json", "content": nb})
        out.setdefault("submitted", {})[student] = hub.ok(
            student, "POST", "/assignments/submit", data={"assignment_id": UNIT, "course_id": COURSE_ID})
    times["students"] = time.monotonic() - t0

    # The instructor collects and autogrades each submission through the formgrader.
    t0 = time.monotonic()
    out["collect"] = hub.ok(INSTRUCTOR, "POST", f"{api}/assignment/{UNIT}/collect")
    out["autograde"] = {s: hub.ok(INSTRUCTOR, "POST", f"{api}/submission/{UNIT}/{s}/autograde") for s in STUDENTS}
    out["submissions"] = hub.ok(INSTRUCTOR, "GET", f"{api}/submissions/{UNIT}")
    times["collect_and_autograde"] = time.monotonic() - t0

    # Who may see what.
    out["status"] = {u: hub.as_user(u, "GET", f"{api}/status").status_code for u in users}
    out["lab_page"] = {u: hub.as_user(u, "GET", "/lab").text for u in users}
    out["other_server"] = hub.as_user("ada", "GET", f"/api/contents/{UNIT}", owner="grace").status_code
    out["list_users"] = {u: hub.session.get(f"{hub.url}/hub/api/users", timeout=20,
                                            headers={"Authorization": f"token {hub.tokens[u]}"}).status_code
                         for u in (INSTRUCTOR, "ada")}
    out["groups"] = {g["name"]: sorted(g["users"]) for g in hub.api("GET", "/groups")}
    out["times"] = times
    (hub.base / "times.json").write_text(json.dumps(times, indent=1), encoding="utf-8")
    return out


# ----------------------------------------------------------------------------------------------- tests
def page_config(page: str) -> dict:
    """Return the JupyterLab page configuration embedded in a /lab page."""
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert match, page[:500]
    return json.loads(match.group(1))


def test_hub_starts_with_the_deployment_config(hub, semester):
    """Does the hub start from deploy/jupyterhub with the instructors and students groups loaded?"""
    assert semester["groups"]["instructors"] == [INSTRUCTOR]
    assert semester["groups"]["students"] == sorted(STUDENTS)
    print(f"\nhub up in {hub.startup_seconds:.1f} s; steps: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in semester["times"].items()))


def test_instructor_releases_through_the_formgrader(semester):
    """Do generate and release succeed through the instructor's formgrader API, behind the hub's proxy?"""
    assert semester["assign"]["success"], semester["assign"]
    assert semester["release"]["success"], semester["release"]


def test_students_fetch_their_own_copy_with_the_variant_table(semester):
    """Does each student see the released assignment and fetch it, with the variant records beside it?"""
    for student in STUDENTS:
        listed = semester["listed"][student]
        assert listed["success"], listed
        assert any(a["assignment_id"] == UNIT and a["status"] == "released" for a in listed["value"]), listed
        assert semester["fetched_files"][student] == sorted([f"{UNIT}.ipynb", "variants.json"])
        submitted = semester["submitted"][student]
        assert submitted["success"], submitted


def test_both_submissions_are_graded_in_the_gradebook(hub, semester):
    """After collect and autograde, are both students in the gradebook, each graded by their own key?"""
    for student in STUDENTS:
        assert semester["autograde"][student]["success"], semester["autograde"][student]
    by_student = {s["student"]: s for s in semester["submissions"]}
    per_item = 3
    assert by_student["ada"]["score"] == pytest.approx(by_student["ada"]["max_score"])
    assert by_student["grace"]["score"] == pytest.approx(by_student["grace"]["max_score"] - per_item)

    from medcode_practice.grading.gradebook import read

    book = read(hub.course / "gradebook.db")
    scores = {r.student: r.score for r in book.submissions.itertuples()}
    assert set(scores) == set(STUDENTS)
    assert scores["ada"] == by_student["ada"]["score"] and scores["grace"] == by_student["grace"]["score"]
    exchange = sorted(p.name.split("+")[0] for p in (hub.exchange / COURSE_ID / "inbound").iterdir())
    assert exchange == sorted(STUDENTS), "each submission is filed under the hub user name"


def test_formgrader_only_for_instructors(semester):
    """Is the formgrader served to the instructor and absent (server and lab panel) for students?"""
    assert semester["status"][INSTRUCTOR] == 200
    hidden = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
    for student in STUDENTS:
        assert semester["status"][student] == 404
        assert hidden <= set(page_config(semester["lab_page"][student]).get("disabledExtensions", []))
    assert not hidden & set(page_config(semester["lab_page"][INSTRUCTOR]).get("disabledExtensions", []))


def test_students_stay_out_of_each_others_servers_and_the_user_list(semester):
    """Is ada refused on grace's server and on the user list, which the instructor may read?"""
    assert semester["other_server"] in (302, 403, 404)
    assert semester["list_users"][INSTRUCTOR] == 200
    assert semester["list_users"]["ada"] == 403
