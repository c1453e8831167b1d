"""The deployment files: the hub configuration reads its class from the environment, the pins follow
pyproject, the per-group settings hide the formgrader from students, the Helm values are complete."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def load_hub_config(monkeypatch, **env):
    from traitlets.config.loader import PyFileConfigLoader

    for name in ("MEDCODE_INSTRUCTORS", "MEDCODE_STUDENTS", "MEDCODE_HUB_AUTH", "MEDCODE_HUB_CULL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY / "jupyterhub")).load_config()


def test_hub_config_groups_roles_and_accounts(monkeypatch, tmp_path):
    """Are instructors and students (a list or @file) loaded as groups, allowed, and given their roles?"""
    roster = tmp_path / "students.txt"
    roster.write_text("ada\ngrace\n# a comment\n\nteacher\n", encoding="utf-8")
    config = load_hub_config(monkeypatch, MEDCODE_INSTRUCTORS="teacher", MEDCODE_STUDENTS=f"@{roster}",
                             MEDCODE_HUB_CULL="0")
    hub = config.JupyterHub
    assert hub.load_groups["instructors"]["users"] == ["teacher"]
    assert hub.load_groups["students"]["users"] == ["ada", "grace"]  # an instructor is never also a student
    assert config.Authenticator.allowed_users == {"teacher", "ada", "grace"}
    roles = {r["name"]: r for r in hub.load_roles}
    assert roles["instructor"]["groups"] == ["instructors"] and "admin-ui" in roles["instructor"]["scopes"]
    assert roles["student"]["scopes"] == ["self"]
    assert hub.authenticator_class == "jupyterhub.auth.PAMAuthenticator"
    assert "services" not in hub  # culling off


def test_hub_config_native_authenticator(monkeypatch):
    """Does MEDCODE_HUB_AUTH=native switch to NativeAuthenticator with sign-ups authorized by instructors?"""
    config = load_hub_config(monkeypatch, MEDCODE_HUB_AUTH="native", MEDCODE_INSTRUCTORS="teacher")
    assert config.JupyterHub.authenticator_class == "nativeauthenticator.NativeAuthenticator"
    assert config.NativeAuthenticator.open_signup is False
    assert config.Authenticator.admin_users == {"teacher"}


def test_pre_spawn_hook_gives_each_group_its_settings(monkeypatch):
    """Does the hook put the instructor or the student settings first on JUPYTER_CONFIG_PATH?"""
    config = load_hub_config(monkeypatch, MEDCODE_HUB_CULL="0")
    hook = config.Spawner.pre_spawn_hook

    class Group:
        def __init__(self, name):
            self.name = name

    class Log:
        def info(self, *args):
            pass

    class Spawner:
        def __init__(self, groups):
            self.user = type("User", (), {"name": "someone", "groups": [Group(g) for g in groups]})()
            self.environment = dict(config.Spawner.environment)
            self.log = Log()

    for groups, role in ((["instructors"], "instructor"), (["students"], "student"), ([], "student")):
        spawner = Spawner(groups)
        hook(spawner)
        first = spawner.environment["JUPYTER_CONFIG_PATH"].split(":")[0]
        assert first == str(DEPLOY / "jupyterhub" / role) and spawner.environment["MEDCODE_ROLE"] == role
        assert spawner.environment["MEDCODE_EXCHANGE"]


def test_student_settings_hide_the_formgrader():
    """Are the formgrader server extension off and its lab panels disabled for students, not instructors?"""
    server = json.loads((DEPLOY / "jupyterhub" / "student" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    page = json.loads((DEPLOY / "jupyterhub" / "student" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    teacher = json.loads((DEPLOY / "jupyterhub" / "instructor" / "labconfig" / "page_config.json").read_text())
    assert not teacher["disabledExtensions"]


def test_requirements_pin_every_dependency():
    """Does deploy/requirements.txt pin (==) every pyproject dependency, within its range, plus jupyterhub?"""
    from packaging.requirements import Requirement

    pins = {}
    for line in (DEPLOY / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for text in project["dependencies"]:
        requirement = Requirement(text)
        name = requirement.name.lower()
        assert name in pins, f"{name} is not pinned in deploy/requirements.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name], str(requirement))
    assert "jupyterhub" in pins


def test_helm_values_size_store_and_cull():
    """Do the Helm values set the image, sizes, the exchange volume, culling and the per-group hook?"""
    values = yaml.safe_load((DEPLOY / "k8s" / "values.yaml").read_text(encoding="utf-8"))
    single = values["singleuser"]
    assert single["image"]["name"] and single["memory"] == {"guarantee": "512M", "limit": "1G"}
    assert single["storage"]["extraVolumeMounts"][0]["mountPath"] == "/srv/nbgrader/exchange"
    assert values["cull"]["enabled"] and values["cull"]["timeout"] == 3600
    assert set(values["hub"]["loadRoles"]) == {"instructor", "student"}
    hook = values["hub"]["extraConfig"]["10-medcode-class"]
    compile(hook, "extraConfig", "exec")
    assert "pre_spawn_hook" in hook and "MEDCODE_VARIANT_SALT" in hook
    pvc = list(yaml.safe_load_all((DEPLOY / "k8s" / "exchange-pvc.yaml").read_text(encoding="utf-8")))
    assert pvc[0]["spec"]["accessModes"] == ["ReadWriteMany"]


def test_proxy_is_pinned_for_make_hub_deps():
    """Is configurable-http-proxy pinned with a lock file, and does `make test` install it?"""
    package = json.loads((DEPLOY / "jupyterhub" / "proxy" / "package.json").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["dependencies"]["configurable-http-proxy"])
    assert (DEPLOY / "jupyterhub" / "proxy" / "package-lock.json").is_file()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:.*\bhub-deps\b", makefile, re.MULTILINE)


@pytest.mark.parametrize("doc", ["install", "course init", "course variants", "Release", "Collect", "Autograde",
                                 "feedback", "--format canvas", "--format moodle", "ReadWriteMany"])
def test_guide_walks_the_whole_term(doc):
    """Does docs/deploy-jupyterhub.md cover each step from install to the LMS export?"""
    assert doc in (ROOT / "docs" / "deploy-jupyterhub.md").read_text(encoding="utf-8")
