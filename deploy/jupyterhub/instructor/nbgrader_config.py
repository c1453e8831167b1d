"""nbgrader for an instructor's server (deploy/jupyterhub): the course folder, the formgrader, the exchange.

The hub puts this folder first on JUPYTER_CONFIG_PATH for members of the `instructors` group. The course is
~/<course id> (make it with `medcode course init ~/medcode-practice`), or MEDCODE_COURSE_DIR; its own
nbgrader_config.py (which loads the MedCode Practice settings and the sealed keys) is loaded from here.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets

_course_id = os.environ.get("MEDCODE_COURSE_ID", "medcode-practice")
_course = os.environ.get("MEDCODE_COURSE_DIR") or os.path.join(os.path.expanduser("~"), _course_id)
_settings = os.path.join(_course, "nbgrader_config.py")
if os.path.isfile(_settings):
    load_subconfig(_settings)  # noqa: F821 - provided by traitlets

c.CourseDirectory.root = _course
c.CourseDirectory.course_id = _course_id
c.Exchange.root = os.environ.get("MEDCODE_EXCHANGE", "/srv/nbgrader/exchange")
