"""Safe batch grading of the course's exercise sets, for instructors: ``gmm-grade SET --submitted DIR ...``

Not part of the learners' library (gmm_teach never imports it); installed with
``pip install -e ".[instructor]"``. Each submission runs in a sandbox (runner.py,
sandbox.py, session.py) that cannot read the solutions or the gradebook and can only
write its scratch folder; the checks and hidden tests run in the grader's own process
against stand-ins for the learner's functions (judge.py, plan.py), so patching numpy
or the checks earns nothing. classroom.py grades submissions in parallel worker
processes; recorder.py alone writes the nbgrader gradebook, the CSV (results.py) and
the feedback (feedback.py); class_report.py and similarity.py write the class report;
collect.py brings a learning platform's download into nbgrader's layout and export.py
writes grades in the formats Canvas and Moodle import. See INSTRUCTORS.md.
"""
