"""Safe batch grading of exercise sets: python -m gmm_teach.grading SET --submitted DIR ...

Each submission runs in a sandbox (runner.py, sandbox.py) that cannot read the
solutions or the gradebook and can only write its scratch folder; the checks and
hidden tests run in the grader's own process against stand-ins for the learner's
functions (judge.py), so patching numpy or the checks earns nothing; scores go to
the nbgrader gradebook, a CSV and feedback without hidden tests (report.py).
See INSTRUCTORS.md.
"""
