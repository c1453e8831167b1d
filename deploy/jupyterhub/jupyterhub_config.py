"""JupyterHub for one MedCode Practice class on one server: local accounts, instructors and students, nbgrader.

Read docs/deploy-jupyterhub.md first. Everything a class changes is read from environment variables (set them
in the systemd unit, or export them before `jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`):

  MEDCODE_INSTRUCTORS   accounts that teach, comma-separated                       (default: instructor)
  MEDCODE_STUDENTS      accounts that learn, comma-separated, or @FILE (one a line) (default: none)
  MEDCODE_COURSE_ID     the nbgrader course id                                     (default: medcode-practice)
  MEDCODE_EXCHANGE      the nbgrader exchange folder                               (default: /srv/nbgrader/exchange)
  MEDCODE_HUB_AUTH      pam (the server's own accounts) or native (NativeAuthenticator sign-up) (default: pam)
  MEDCODE_HUB_STATE     where the hub keeps its database and cookie secret         (default: /srv/jupyterhub)
  MEDCODE_HUB_URL       where the hub listens                                      (default: http://:8000)
  MEDCODE_HUB_CULL      seconds idle before a server is stopped, 0 to never stop   (default: 3600)

Roles. The groups `instructors` and `students` are loaded at start-up. A server is given the settings of its
owner's group by `_settings_by_group` below, which puts deploy/jupyterhub/instructor or deploy/jupyterhub/student
first on JUPYTER_CONFIG_PATH:

  * instructor: nbgrader with the formgrader, the course at ~/<course id> (made by `medcode course init`);
  * student:    the formgrader and course-list server extensions off and their lab panels hidden, and nbgrader's
                student id set to the hub user name (so submissions are filed under the right name even where
                every server runs as the same account, as on Kubernetes).

Hiding panels is a convenience, not the protection: a student cannot grade because the course folder
(~instructor/<course id>, mode 0700) and the sealed keys are unreadable to their account.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file

HERE = Path(__file__).resolve().parent


def _accounts(value: str) -> list[str]:
    """Read a comma-separated list, or one name a line from @FILE."""
    value = (value or "").strip()
    if value.startswith("@"):
        path = Path(value[1:])
        value = path.read_text(encoding="utf-8").replace("\n", ",") if path.is_file() else ""
    return sorted({name.strip() for name in value.split(",") if name.strip() and not name.strip().startswith("#")})


COURSE_ID = os.environ.get("MEDCODE_COURSE_ID", "medcode-practice")
EXCHANGE = os.environ.get("MEDCODE_EXCHANGE", "/srv/nbgrader/exchange")
INSTRUCTORS = _accounts(os.environ.get("MEDCODE_INSTRUCTORS", "instructor"))
STUDENTS = [name for name in _accounts(os.environ.get("MEDCODE_STUDENTS", "")) if name not in INSTRUCTORS]
STATE = Path(os.environ.get("MEDCODE_HUB_STATE", "/srv/jupyterhub"))

# ----------------------------------------------------------------------------------------------- the hub
c.JupyterHub.bind_url = os.environ.get("MEDCODE_HUB_URL", "http://:8000")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# ----------------------------------------------------------------------------------------------- who logs in
if os.environ.get("MEDCODE_HUB_AUTH", "pam").lower() == "native":
    # Students sign up on /hub/signup; an instructor (an admin here) authorizes them on /hub/authorize.
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.open_signup = False
    c.NativeAuthenticator.minimum_password_length = 10
    c.NativeAuthenticator.check_common_password = True
    c.Authenticator.admin_users = set(INSTRUCTORS)
    # NativeAuthenticator accounts are not system accounts: every server runs as the hub's own account,
    # so only a container spawner (or Kubernetes) keeps students apart. See docs/deploy-jupyterhub.md.
else:
    # The server's own accounts (adduser); each student's server runs as their account.
    c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
c.Authenticator.allowed_users = set(INSTRUCTORS) | set(STUDENTS)

c.JupyterHub.load_groups = {
    "instructors": {"users": INSTRUCTORS, "properties": {"nbgrader_role": "instructor", "course": COURSE_ID}},
    "students": {"users": STUDENTS, "properties": {"nbgrader_role": "student", "course": COURSE_ID}},
}
c.JupyterHub.load_roles = [
    {
        # Instructors see who is working and can start, stop and open a student's server to help them.
        # Drop "access:servers!group=students" if your institution does not want instructors in students' files.
        "name": "instructor",
        "description": "Teaches the class: sees the students' activity, can help in their servers",
        "groups": ["instructors"],
        "scopes": ["self", "admin-ui", "list:users", "read:users", "read:groups", "read:servers",
                   "servers!group=students", "access:servers!group=students"],
    },
    {
        "name": "student",
        "description": "Learns: their own server only",
        "groups": ["students"],
        "scopes": ["self"],
    },
]

# ----------------------------------------------------------------------------------------------- servers
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# Measured: a kernel that has loaded the code sets ~200 MiB, a Voila app ~120 MiB per visitor. The local
# spawner cannot enforce these; they are what a container spawner would be given (see deploy/k8s/values.yaml).
c.Spawner.mem_guarantee = "512M"
c.Spawner.mem_limit = "1G"
c.Spawner.environment = {"MEDCODE_COURSE_ID": COURSE_ID, "MEDCODE_EXCHANGE": EXCHANGE}
# A fresh server on a 2-core machine with JupyterLab, Voila and nbgrader starts in a few seconds; give slack.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60


def _settings_by_group(spawner) -> None:
    """Give a server its owner's settings: the instructor or the student config folder, first on the path."""
    groups = {group.name for group in spawner.user.groups}
    role = "instructor" if "instructors" in groups else "student"
    paths = [str(HERE / role)] + [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths),
                           "MEDCODE_ROLE": role}
    spawner.log.info("MedCode Practice: %s starts as %s", spawner.user.name, role)


c.Spawner.pre_spawn_hook = _settings_by_group

# ----------------------------------------------------------------------------------------------- idle servers
CULL = int(os.environ.get("MEDCODE_HUB_CULL", "3600") or 0)
if CULL > 0:
    try:
        import jupyterhub_idle_culler  # noqa: F401 - only checks that the culler is installed
    except ImportError:
        print("MedCode Practice: jupyterhub-idle-culler is not installed; idle servers are not stopped",
              file=sys.stderr)
    else:
        c.JupyterHub.services = [
            {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                                                f"--timeout={CULL}", "--cull-every=300"]},
        ]
        c.JupyterHub.load_roles.append({
            "name": "idle-culler",
            "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        })
