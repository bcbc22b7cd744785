"""A small mutation run over the rule, condition and permission modules (on demand, not in CI).

Each mutant flips one operator or constant (== / !=, < / <=, and / or, all / any, not removed,
True / False, n / n+1, + / -), the module's tests run against it, and a mutant that no test kills
"survives". Run it through scripts/mutation.sh, which works on a copy of HEAD, never on the tree.

    python scripts/mutation.py MODULE=TESTS [MODULE=TESTS ...] [--budget SECONDS] [--report FILE]
"""
import argparse
import ast
import copy
import shlex
import subprocess
import sys
import time
from pathlib import Path

_COMPARE_SWAP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
                 ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult}
_CALL_SWAP = {"all": "any", "any": "all", "min": "max", "max": "min"}


def mutation_sites(tree) -> list[tuple[int, int, str]]:
    """(node index in ast.walk order, operand index, description) for every mutation of `tree`."""
    sites = []
    for i, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.Compare):
            for j, op in enumerate(node.ops):
                if type(op) in _COMPARE_SWAP:
                    sites.append((i, j, f"{type(op).__name__} -> {_COMPARE_SWAP[type(op)].__name__}"))
        elif isinstance(node, ast.BoolOp):
            sites.append((i, 0, f"{type(node.op).__name__} -> {'Or' if isinstance(node.op, ast.And) else 'And'}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            sites.append((i, 0, "not removed"))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP:
            sites.append((i, 0, f"{type(node.op).__name__} -> {_BINOP_SWAP[type(node.op)].__name__}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALL_SWAP:
            sites.append((i, 0, f"{node.func.id}() -> {_CALL_SWAP[node.func.id]}()"))
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            sites.append((i, 0, f"{node.value} -> {not node.value}"))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            sites.append((i, 0, f"{node.value} -> {node.value + 1}"))
    return sites


def mutate(tree, site) -> tuple[ast.AST, int]:
    """A copy of `tree` with the mutation at `site` applied, and the line it is on."""
    index, operand, _desc = site
    new = copy.deepcopy(tree)
    node = next(n for k, n in enumerate(ast.walk(new)) if k == index)
    if isinstance(node, ast.Compare):
        node.ops[operand] = _COMPARE_SWAP[type(node.ops[operand])]()
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.UnaryOp):
        node.op = ast.UAdd()  # +x keeps the value: the same as removing `not` for the truth test
        node.operand = ast.Call(func=ast.Name("bool", ast.Load()), args=[node.operand], keywords=[])
    elif isinstance(node, ast.BinOp):
        node.op = _BINOP_SWAP[type(node.op)]()
    elif isinstance(node, ast.Call):
        node.func = ast.Name(_CALL_SWAP[node.func.id], ast.Load())
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        node.value = not node.value
    elif isinstance(node, ast.Constant):
        node.value = node.value + 1
    return ast.fix_missing_locations(new), getattr(node, "lineno", 0)


def in_docstring_or_annotation(tree) -> set[int]:
    """Indexes of nodes that are not code worth mutating (docstrings, type annotations, decorators' texts)."""
    skip = set()
    index = {id(n): k for k, n in enumerate(ast.walk(tree))}
    for node in ast.walk(tree):
        for ann in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if ann is not None:
                skip.update(index[id(n)] for n in ast.walk(ann))
    return skip


def run(targets, budget: float, pytest_args: list[str]) -> list[dict]:
    results, started = [], time.monotonic()
    for module, tests in targets:
        path = Path(module)
        source = path.read_text()
        tree = ast.parse(source)
        skip = in_docstring_or_annotation(tree)
        sites = [s for s in mutation_sites(tree) if s[0] not in skip]
        print(f"== {module}: {len(sites)} mutants, tests {tests}", flush=True)
        for site in sites:
            if time.monotonic() - started > budget:
                results.append({"module": module, "line": 0, "desc": site[2], "status": "not run (time box)"})
                continue
            mutant, line = mutate(tree, site)
            path.write_text(ast.unparse(mutant))
            try:
                proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                                       *pytest_args, *tests.split(",")], capture_output=True, text=True,
                                      timeout=300)
                status = "killed" if proc.returncode not in (0, 5) else "survived"
            except subprocess.TimeoutExpired:
                status = "killed (timeout)"
            finally:
                path.write_text(source)
            code = source.splitlines()[line - 1].strip() if line else ""
            results.append({"module": module, "line": line, "desc": site[2], "status": status, "code": code})
            print(f"{status:9} {module}:{line} {site[2]:22} {code}", flush=True)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("targets", nargs="+", help="module.py=test_a.py,test_b.py")
    parser.add_argument("--budget", type=float, default=1200.0, help="seconds of machine time")
    parser.add_argument("--report", default="")
    parser.add_argument("--pytest-args", default="--no-migrations -p no:randomly")
    args = parser.parse_args()
    targets = [tuple(t.split("=", 1)) for t in args.targets]
    pytest_args = shlex.split(args.pytest_args)
    for module, tests in targets:  # a failing baseline would count every mutant as killed
        base = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args,
                               *tests.split(",")], capture_output=True, text=True)
        if base.returncode != 0:
            sys.exit(f"baseline fails for {module}:\n{base.stdout[-3000:]}")
    results = run(targets, args.budget, pytest_args)
    survived = [r for r in results if r["status"] == "survived"]
    killed = sum(r["status"].startswith("killed") for r in results)
    print(f"\n{killed} killed, {len(survived)} survived, "
          f"{sum(r['status'].startswith('not run') for r in results)} not run")
    if args.report:
        lines = [f"{r['module']}:{r['line']}\t{r['desc']}\t{r['code']}" for r in survived]
        Path(args.report).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
