"""nbgrader configuration for gmm-teach (instructors only: pip install -e ".[instructor]").

solutions/<set>/<set>.ipynb are the source notebooks (answers and hidden tests in
place); `nbgrader generate_assignment <set> --no-db --force` writes the learners'
version to exercises/<set>/. See INSTRUCTORS.md for the whole cycle.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "gmm-teach"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# A cell that runs longer than this is stopped and scored 0; grading goes on.
c.Execute.timeout = 120

# Learners' checks print ✅/❌ and never raise. When nbgrader grades a notebook
# (autograde, validate on the command line), the same checks must raise so a wrong
# answer scores 0: kernels started by nbgrader inherit this environment variable.
# Only for those commands: JupyterLab's nbgrader extension reads this file too, and
# an instructor trying an exercise in the lab should see the learners' feedback.
if {"autograde", "validate"} & set(sys.argv[1:2]):
    os.environ["GMM_TEACH_STRICT"] = "1"
