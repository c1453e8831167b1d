"""nbgrader settings for a MedCode Practice course.

`medcode course init DIR` writes DIR/nbgrader_config.py, which loads this file and sets the course root to DIR.
Layout of a course folder (nbgrader's defaults): source/NN-topic/NN-topic.ipynb (copied from exercises/source),
release/, submitted/<student>/<assignment>/, autograded/, feedback/, gradebook.db.

The assessment keys stay in the checkout (autograder/assessment/): this file points MEDCODE_ASSESSMENT_DIR at
them so the kernels nbgrader starts for autograding can grade, while released notebooks carry no keys at all.
Set MEDCODE_ASSESSMENT_DIR yourself to grade against keys kept elsewhere.
"""

import os
from pathlib import Path

from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

_HERE = Path(__file__).resolve().parent
_cases = Path(os.environ.get("MEDCODE_ASSESSMENT_DIR") or _HERE / "assessment" / "cases").resolve()
if not _cases.is_dir():
    raise FileNotFoundError(f"MedCode Practice: the assessment cases folder {_cases} does not exist; "
                            f"set MEDCODE_ASSESSMENT_DIR to the folder holding the sealed cases")
# Kernels started by nbgrader inherit this, so check_item() can load the sealed keys at autograde time.
os.environ["MEDCODE_ASSESSMENT_DIR"] = str(_cases)

c.CourseDirectory.course_id = "medcode-practice"

# Per cell: one runaway answer cell is interrupted and reported, the rest of the notebook still runs.
c.ExecutePreprocessor.timeout = 30

# Keep the kernels' own start-up warnings out of the instructor's terminal (nbclient adds the history setting).
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]

# A student who deletes a locked test cell gets it back from the source (and is graded by it).
c.OverwriteCells.add_missing_cells = True

# What a student sees in place of the solution in the released notebook: no `raise NotImplementedError()`,
# because the learners are coders, not programmers.
c.ClearSolutions.code_stub = {"python": "# Type your answer between the quotes above, then run this cell."}
c.ClearSolutions.text_stub = "Write your answer here (double-click to edit)."

# Feedback: scores first, then remove any hidden-test source before the HTML is written.
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests]
