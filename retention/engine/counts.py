"""The counts every retention run and erasure returns, and how batches add theirs to a run's.

Shape: {"matched": n, "erased": n, "deleted": n, ..., "skipped": {reason: n}, "rows": {model label: {action: n}}}.
"""

import json


def new_counts():
    return {"matched": 0, "skipped": {}, "rows": {}}


def bump(counts, key, n=1):
    if n:
        counts[key] = counts.get(key, 0) + n


def bump_rows(counts, model, action, n):
    """Add `n` rows of `model` to `action`, in the per-model detail and in the action's total."""
    if n:
        per_model = counts["rows"].setdefault(model._meta.label, {})
        per_model[action] = per_model.get(action, 0) + n
        bump(counts, action, n)


def skip(counts, reason, n):
    if n:
        counts["skipped"][reason] = counts["skipped"].get(reason, 0) + n


def merge(into, other):
    """`into` plus `other`, as a new dict (so a rolled-back batch leaves the run's counts as they were)."""
    out = json.loads(json.dumps(into))
    for key, value in other.items():
        if key == "skipped":
            for reason, n in value.items():
                skip(out, reason, n)
        elif key == "rows":
            for label, actions in value.items():
                for action, n in actions.items():
                    per_model = out["rows"].setdefault(label, {})
                    per_model[action] = per_model.get(action, 0) + n
        else:
            bump(out, key, value)
    return out
