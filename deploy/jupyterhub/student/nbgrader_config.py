"""nbgrader for a student's server (deploy/jupyterhub): fetch and submit through the class exchange.

The hub puts this folder first on JUPYTER_CONFIG_PATH for members of the `students` group.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets

c.CourseDirectory.course_id = os.environ.get("MEDCODE_COURSE_ID", "medcode-practice")
c.Exchange.root = os.environ.get("MEDCODE_EXCHANGE", "/srv/nbgrader/exchange")
# nbgrader files a submission under the account name (or JUPYTERHUB_USER for the container user "jovyan").
# Name it after the hub user always, so that it is right on every spawner, and matches the id
# medcode_practice.grading.variants uses to show this student their own cases.
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
