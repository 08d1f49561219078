"""Which app may import which, and no import circles: read from the source with `ast`, without importing it.

Every `import` counts, at module level or inside a function: a circle that only closes at run time is still one.
"""

import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "accounts", "privacy", "exports", "retention")

# Who may import what, outside their own app. The first row whose importer prefix matches a module applies.
# `config` is not an app: every app may use it (the Celery app, the mail helper), and it imports no app.
ALLOWED = (
    # importer             may import
    ("privacy.registry", ()),  # the registry imports no app, not even the rest of privacy
    ("config", ()),
    # accounts declares its entries in the registry (with its categories), shows them in its admin, and records
    # consents at sign-up; it knows nothing of requests, exports or retention.
    (
        "accounts",
        (
            "privacy.registry",
            "privacy.categories",
            "privacy.personal_data",
            "privacy.models.consents",
            "privacy.services.consents",
        ),
    ),
    ("privacy.handover", ("accounts", "exports", "retention")),  # the one hand-over from requests to the others
    ("privacy", ("accounts", "retention.rules")),  # the privacy page publishes the retention rules
    ("exports", ("accounts", "privacy", "retention.rules")),  # so does the export's PDF
    ("retention", ("accounts", "privacy", "exports.models", "exports.services")),  # expired exports are swept
)

# Imports against the rules that are being removed. Each entry names the exact edge and why it is still here;
# the list only ever shrinks.
KNOWN = {
    # config/mail.py queues the accounts app's mail task; the task moves to config/ (config imports no app).
    ("config.mail", "accounts.tasks"): "removed by the mail outbox (issue 8)",
}


def module_name(root, path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root, packages=PACKAGES):
    """{dotted name: path} of every module of the given packages under root."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(root, path)] = path
    return found


def _from_imports(name, path, modules):
    """(module, imported name) for each `from module import name`, and (module, None) for each `import module`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield base, alias.name


def _project_module(target, modules):
    # a.b.c.Name and third-party names: the longest prefix that is a project module, or None.
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def imports_of(name, path, modules, reexports=None):
    """The project modules one module imports, anywhere in its body, as (module run, module the name is from).

    `from privacy.services import consent_record` runs privacy/services/__init__.py (what counts for circles),
    and takes a name defined in privacy/services/consents.py (what counts for directions).
    """
    edges = set()
    for base, imported in _from_imports(name, path, modules):
        submodule = f"{base}.{imported}"
        run = _project_module(submodule if submodule in modules else base, modules)
        if run is None or run == name:
            continue
        source = (reexports or {}).get(run, {}).get(imported, run)
        edges.add((run, source))
    return edges


def _reexports(modules):
    """{package: {name: submodule}} for the names a package's __init__ takes from its own submodules."""
    found = {}
    for name, path in modules.items():
        if path.name != "__init__.py":
            continue
        for base, imported in _from_imports(name, path, modules):
            if imported and _within(base, name) and base != name and base in modules:
                found.setdefault(name, {})[imported] = base
    return found


def import_graph(root, packages=PACKAGES, *, resolved=False):
    """{module: {imported modules}}: the modules run (for circles), or with resolved=True where the names come
    from (for directions)."""
    modules = project_modules(root, packages)
    reexports = _reexports(modules)
    graph = {}
    for name, path in modules.items():
        edges = imports_of(name, path, modules, reexports)
        graph[name] = {source if resolved else run for run, source in edges}
    return graph


def _within(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def direction_violations(graph, allowed=ALLOWED, known=KNOWN):
    found = []
    for importer, targets in sorted(graph.items()):
        rule = next((may for prefix, may in allowed if _within(importer, prefix)), None)
        if rule is None:
            continue
        app = importer.split(".")[0]
        for target in sorted(targets):
            own_app = target.split(".")[0] == app and not _within(importer, "privacy.registry")
            if own_app or _within(target, "config") and not _within(importer, "config"):
                continue
            # Another app's template tags are for its templates, never for code.
            tags = ".templatetags" in target and target.split(".")[0] != app
            if any(_within(target, prefix) for prefix in rule) and not tags or (importer, target) in known:
                continue
            found.append(f"{importer} imports {target}")
    return found


def cycles(graph, known=KNOWN):
    """Every group of modules that import each other, directly or around a circle (Tarjan's algorithm)."""
    edges = {name: sorted(t for t in targets if (name, t) not in known) for name, targets in graph.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_app_imports_against_the_allowed_directions():
    assert direction_violations(import_graph(ROOT, resolved=True)) == []


def test_no_import_circle_between_project_modules():
    assert cycles(import_graph(ROOT)) == []


def test_every_known_violation_still_exists():
    # An entry whose import is gone must leave the list, so that it cannot hide a new one later.
    graphs = import_graph(ROOT), import_graph(ROOT, resolved=True)

    assert [edge for edge in KNOWN if not any(edge[1] in graph.get(edge[0], ()) for graph in graphs)] == []


# The checks themselves, on a small planted tree.


def _plant(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def planted(tmp_path):
    _plant(
        tmp_path,
        {
            "config/__init__.py": "",
            "accounts/__init__.py": "",
            "accounts/models.py": "from privacy.registry import registry\n",
            "privacy/__init__.py": "",
            "privacy/registry.py": "registry = object()\n",
            "privacy/services.py": "from accounts.models import User\n",
            "exports/__init__.py": "",
            "retention/__init__.py": "",
            "retention/services.py": "from . import engine\n",
            "retention/engine.py": "from privacy import registry\n",
        },
    )
    return tmp_path


def test_the_planted_tree_is_clean(planted):
    graph = import_graph(planted)

    assert graph["retention.services"] == {"retention.engine"}
    assert graph["retention.engine"] == {"privacy.registry"}
    assert direction_violations(graph, known={}) == [] and cycles(graph, known={}) == []


def test_an_import_against_the_directions_fails_even_inside_a_function(planted):
    _plant(planted, {"accounts/demo.py": "def seed():\n    from retention.services import erase\n"})
    _plant(planted, {"config/mail.py": "import accounts.models\n"})
    _plant(planted, {"privacy/registry.py": "from privacy.services import x\n"})
    _plant(planted, {"privacy/templatetags/__init__.py": "", "privacy/templatetags/tags.py": "FULL = 1\n"})
    _plant(planted, {"retention/engine.py": "from privacy.templatetags.tags import FULL\n"})

    found = direction_violations(import_graph(planted, resolved=True), known={})

    assert found == [
        "accounts.demo imports retention.services",
        "config.mail imports accounts.models",
        "privacy.registry imports privacy.services",
        "retention.engine imports privacy.templatetags.tags",
    ]


def test_an_import_circle_fails_when_it_closes_inside_a_function(planted):
    _plant(planted, {"retention/engine.py": "def plan():\n    from retention.services import x\n"})

    assert cycles(import_graph(planted), known={}) == [["retention.engine", "retention.services"]]


def test_a_known_edge_is_let_through_and_only_that_one(planted):
    _plant(planted, {"accounts/admin.py": "from privacy.services import x\nfrom exports import y\n"})
    graph = import_graph(planted, resolved=True)

    found = direction_violations(graph, known={("accounts.admin", "privacy.services"): "being removed"})

    assert found == ["accounts.admin imports exports"]
