"""The shape of the code, for issue 13's before/after: long modules, long functions, missing docstrings.

    .venv/bin/python bench/code_shape.py [PACKAGE_DIR]      # default: clinic/

Prints the modules over 300 lines, the functions over 60 lines and the public functions and classes
without a docstring (the repeated-code pairs come from the `duplicates` tool, which is not ours).
"""

import ast
import sys
from pathlib import Path

LONG_MODULE, LONG_FUNCTION = 300, 60


def shape(root: Path) -> dict:
    long_modules, long_functions, undocumented, functions = [], [], [], 0
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(root.parent))
        lines = source.count("\n")
        if lines > LONG_MODULE:
            long_modules.append((name, lines))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions += 1
                length = node.end_lineno - node.lineno + 1
                if length > LONG_FUNCTION:
                    long_functions.append((f"{name}:{node.name}", length))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if not node.name.startswith("_") and ast.get_docstring(node) is None:
                    undocumented.append(f"{name}:{node.name}")
    return {
        "modules": len(list(root.rglob("*.py"))),
        "functions": functions,
        "long_modules": long_modules,
        "long_functions": long_functions,
        "undocumented": undocumented,
    }


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else Path(__file__).resolve().parent.parent / "clinic").resolve()
    figures = shape(root)
    print(f"{figures['modules']} modules, {figures['functions']} functions in {root.name}/")
    print(f"modules over {LONG_MODULE} lines: {len(figures['long_modules'])}")
    for name, lines in sorted(figures["long_modules"], key=lambda row: -row[1]):
        print(f"  {lines:>5}  {name}")
    print(f"functions over {LONG_FUNCTION} lines: {len(figures['long_functions'])}")
    for name, lines in sorted(figures["long_functions"], key=lambda row: -row[1]):
        print(f"  {lines:>5}  {name}")
    print(f"public functions and classes without a docstring: {len(figures['undocumented'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
