"""Files are personal data too: a row that owns a file (the registry's `files`) takes it along when it is deleted.

Bulk deletes (the erasure engine, the retention sweeps) call files_delete_on_commit() with the queryset they are
about to delete; Django's own deletes (the admin, `.delete()`) reach the post_delete receiver. Either way the file
goes once the transaction commits, so a rollback keeps it. A process that dies between the commit and the removal
leaves an orphan: files_orphans_remove() (every few minutes) removes what no row owns in the declared folders.
"""

import logging
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete

from privacy.registry import registry

log = logging.getLogger(__name__)


def owned_files(model) -> dict:
    """field name -> setting naming its folder, for the files this model's rows own (empty for most models)."""
    return registry.entry(model).files if registry.is_registered(model) else {}


def _folder(model, name, setting) -> Path:
    field = model._meta.get_field(name)
    if isinstance(field, models.FileField):
        return Path(field.storage.location)
    return Path(getattr(settings, setting))


def _path(model, name, setting, value) -> Path | None:
    """The file a stored value names, or None when it would lie outside its folder (never follow such a value)."""
    if not value:
        return None
    field = model._meta.get_field(name)
    folder = _folder(model, name, setting)
    path = Path(field.storage.path(str(value))) if isinstance(field, models.FileField) else folder / str(value)
    if not path.resolve().is_relative_to(folder.resolve()):
        return None
    return path


def file_paths(model, qs) -> list[Path]:
    """The files the rows of `qs` own; read before they are deleted."""
    paths = []
    for name, setting in owned_files(model).items():
        for value in qs.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True}).values_list(name, flat=True):
            if (path := _path(model, name, setting, value)) is not None:
                paths.append(path)
    return paths


def files_unlink(paths) -> int:
    removed = 0
    for path in paths:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError:
            # The orphan sweep tries again; the row is gone either way.
            log.exception("could not delete the file %s", path)
    return removed


def files_delete_on_commit(model, qs) -> int:
    """Call just before deleting `qs` in bulk: its rows' files go once the transaction commits. Returns how many."""
    if not owned_files(model):
        return 0
    paths = file_paths(model, qs)
    if paths:
        transaction.on_commit(lambda: files_unlink(paths), using=qs.db)
    return len(paths)


def _delete_instance_files(sender, instance, using, **kwargs):
    paths = [
        path
        for name, setting in owned_files(sender).items()
        if (path := _path(sender, name, setting, getattr(instance, name))) is not None
    ]
    if paths:
        transaction.on_commit(lambda: files_unlink(paths), using=using)


def connect_signals():
    """Django's own deletes (the admin, a cascade through the ORM) send post_delete for these models."""
    for entry in registry.entries():
        if entry.files:
            post_delete.connect(_delete_instance_files, sender=entry.model, dispatch_uid=f"files-{entry.model}")


def _in_progress(model) -> tuple:
    """Name prefixes of files being written right now (a build in progress has no row naming its file yet)."""
    hook = getattr(model, "files_being_written", None)
    return tuple(hook()) if hook else ()


def files_orphans_remove(*, grace_seconds=None) -> int:
    """Remove what no row owns in the declared folders; returns how many files or folders went.

    Kept: a name a row holds, a file a job is writing right now (its model's `files_being_written`), and anything
    touched within the grace period (a row being saved in a transaction not yet committed).
    """
    grace = settings.PRIVATE_FILES_ORPHAN_GRACE_SECONDS if grace_seconds is None else grace_seconds
    folders = {}
    for entry in registry.entries():
        for name, setting in entry.files.items():
            folders.setdefault(_folder(entry.model, name, setting), []).append((entry.model, name))
    removed = 0
    for folder, owners in folders.items():
        if not folder.is_dir():
            continue
        # Listed before the rows are read: a file created after the listing is not looked at.
        found = list(folder.iterdir())
        owned, building = set(), ()
        for model, name in owners:
            owned.update(model._base_manager.exclude(**{name: ""}).values_list(name, flat=True))
            building += _in_progress(model)
        youngest = time.time() - grace
        for path in found:
            if path.name in owned or path.name.startswith(building) or _touched_since(path, youngest):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    return removed


def _touched_since(path, moment):
    try:
        return path.stat().st_mtime > moment
    except FileNotFoundError:
        return True
