"""Reading answer code for the class report: near-identical answers and calls to the library's own functions.

Answers are compared after normalising their syntax tree: every variable and
argument name becomes the same placeholder and docstrings and comments go, so
renaming variables or reformatting does not change the comparison. A similarity
is a ratio in [0, 1] of matching tokens (difflib); it is a reason to look, never a
verdict — short answers to a well-posed question are often alike.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import re

MIN_TOKENS = 40  # shorter answers are alike too often to say anything
LIBRARIES = ("gmm_teach", "sklearn")


class _Anonymise(ast.NodeTransformer):
    def visit_Name(self, node):  # noqa: N802 (ast's visitor names)
        return ast.copy_location(ast.Name(id="v", ctx=node.ctx), node)

    def visit_arg(self, node):
        node.arg, node.annotation = "a", None
        return node

    def visit_FunctionDef(self, node):  # noqa: N802
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            node.body = node.body[1:] or [ast.Pass()]
        return self.generic_visit(node)


def tokens(code: str) -> list | None:
    """The answer's normalised syntax tree as a list of tokens, or None if it does not parse."""
    try:
        tree = _Anonymise().visit(ast.parse(code))
    except (SyntaxError, ValueError, RecursionError):
        return None
    return re.findall(r"\w+|[^\w\s]", ast.dump(tree, annotate_fields=False))


def similarity(a: list, b: list) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5 else 0.0


def similar_pairs(answers: dict, skip: list, threshold: float = 0.9) -> list:
    """(student a, student b, similarity) for answers (student -> code) at or above the threshold.

    Answers whose tokens equal one in ``skip`` (the blank template, the model answer) are left out.
    """
    skipped = [tokens(code) for code in skip]
    usable = {s: t for s, code in answers.items()
              if (t := tokens(code)) and len(t) >= MIN_TOKENS and t not in skipped}
    pairs = []
    for (a, ta), (b, tb) in itertools.combinations(sorted(usable.items()), 2):
        if (ratio := similarity(ta, tb)) >= threshold:
            pairs.append((a, b, round(ratio, 3)))
    return pairs


def groups(pairs: list) -> list:
    """Pairs joined into groups of submissions alike to one another: (sorted members, lowest, highest similarity)."""
    member_of: dict = {}
    for a, b, _ in pairs:
        merged = member_of.get(a, {a}) | member_of.get(b, {b})
        for s in merged:
            member_of[s] = merged
    out = []
    for members in {frozenset(g) for g in member_of.values()}:
        ratios = [r for a, b, r in pairs if a in members]
        out.append((sorted(members), min(ratios), max(ratios)))
    return sorted(out)


def library_calls(code: str) -> set:
    """Dotted names of gmm_teach / scikit-learn functions the code calls (``gt`` means gmm_teach)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    aliases = {"gt": "gmm_teach"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.ImportFrom) and node.module:
            aliases.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    calls = {_dotted(n.func, aliases) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {c for c in calls if c and c.split(".")[0] in LIBRARIES and not c.startswith("gmm_teach.checks")}


def _dotted(node, aliases: dict) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])
