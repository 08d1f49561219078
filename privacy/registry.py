"""The personal-data registry: the one list of what personal data is held, where, and why.

Every model holding personal data declares itself here, next to its definition.
The "My Personal Data" page, the admin, exports, the erasure engine and the
retention jobs all read this registry; nothing else lists models or fields.
This module imports no app of the project.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    """A kind of personal data as a person would name it, with why it is held."""

    slug: str
    label: str
    purpose: str
    legal_basis: str
    recipients: tuple[str, ...] = ()
    source: str = _("You, when you use our services")
    order: int = 100
    # The name staff read in the back-office when `label` speaks to the person ("Your requests about your data").
    staff_label: str = ""

    @property
    def admin_label(self):
        return self.staff_label or self.label


@dataclass(frozen=True)
class Delete:
    """Erasure removes the rows."""

    kind: str = "delete"


@dataclass(frozen=True)
class Anonymise:
    """Erasure overwrites the named fields; the row stays (e.g. for statistics)."""

    fields: dict
    kind: str = "anonymise"


@dataclass(frozen=True)
class Keep:
    """Erasure keeps the rows for a legal reason, cut down to `fields`; the rest is blanked."""

    reason: str
    fields: tuple[str, ...] = ()
    blank: dict = field(default_factory=dict)
    # Rows the reason does not cover (a lookup filter, e.g. an invoice never issued): erasure deletes them.
    drop: dict = field(default_factory=dict)
    kind: str = "keep"


@dataclass(frozen=True)
class Entry:
    model: type
    category: Category
    fields: tuple[str, ...]
    erasure: Delete | Anonymise | Keep
    retention: str
    # Lookup from this model to the customer who owns the row ("" when the model is the customer).
    owner: str | None = None
    # Field holding an email address, for subjects known only by email (prospects).
    email_field: str | None = None
    # Columns the registry treats as personal although their names do not say so.
    personal_fields: tuple[str, ...] = ()
    # Files the row owns: field -> name of the setting holding their folder (privacy.files deletes them with the
    # row, however the row is deleted). A FileField is listed too; its folder is its storage's.
    files: dict = field(default_factory=dict)
    # Whether those files go into the subject's export (ZIP member files/<stored name>); an export's own ZIP does not.
    files_exported: bool = True
    # The row's date its retention rule counts from, for rows an erasure keeps: the preview and the answer to the
    # person then say until when they are kept.
    retention_from: str | None = None
    # What the person reads when the model's own name is a back-office word (shown instead of verbose_name_plural).
    title: str | None = None
    # row (field -> stored value) -> the same row in words, for rows whose values are codes that depend on another
    # column (a change log's field names and old values); choices and booleans are labelled without it.
    shown: Callable | None = None

    @property
    def label(self):
        return self.title or self.model._meta.verbose_name_plural

    def owner_filter(self, user) -> Q:
        if self.owner == "":
            return Q(pk=user.pk)
        return Q(**{self.owner: user})

    def rows_for_user(self, user):
        if self.owner is None:
            return self.model._default_manager.none()
        return self.model._default_manager.filter(self.owner_filter(user))

    def rows_for_email(self, email):
        """What is held under this address without an account (a prospect, a public request, its mails).

        Never an account's rows, even when the address is the account's (R11): a guardian or a staff member writing
        from their own address must not receive that account's data. An account's rows leave only through the
        account, once staff have linked the request to it after checking identity."""
        if not self.email_field:
            return self.model._default_manager.none()
        rows = self.model._default_manager.filter(**{f"{self.email_field}__iexact": email.strip().lower()})
        if self.owner:
            rows = rows.filter(**{f"{self.owner}__isnull": True})
        return rows

    def final_field(self, path):
        """The model field a lookup path such as "order__reference" ends on."""
        model, field = self.model, None
        for part in path.split("__"):
            field = model._meta.get_field(part)
            if field.is_relation:
                model = field.related_model
        return field

    def column_label(self, path):
        """The column heading of a shown field: its verbose name, in the active language."""
        return str(self.final_field(path).verbose_name)


class Registry:
    def __init__(self):
        self._entries: dict[type, Entry] = {}
        self._exempt: dict[type, str] = {}

    def register(self, model, **kwargs) -> Entry:
        if model in self._entries:
            raise ValueError(f"{model.__name__} is already in the personal-data registry")
        entry = Entry(model=model, **kwargs)
        self._entries[model] = entry
        return entry

    def exempt(self, model, reason: str):
        """Declare that a model holds no personal data, and say why."""
        self._exempt[model] = reason

    def entry(self, model) -> Entry:
        return self._entries[model]

    def is_registered(self, model) -> bool:
        return model in self._entries

    def exemption(self, model) -> str | None:
        return self._exempt.get(model)

    def entries(self) -> list[Entry]:
        return sorted(
            self._entries.values(),
            key=lambda e: (e.category.order, e.category.slug, e.model.__name__),
        )

    def categories(self) -> list[Category]:
        seen = {}
        for entry in self.entries():
            seen.setdefault(entry.category.slug, entry.category)
        return list(seen.values())

    def entries_in(self, category_slug) -> list[Entry]:
        return [e for e in self.entries() if e.category.slug == category_slug]

    def problems(self) -> list[str]:
        """Declarations that do not match the models (run as a system check once models are loaded)."""
        found = []
        for entry in self.entries():
            paths = [*entry.fields, *entry.personal_fields, *entry.files]
            if entry.owner:
                paths.append(entry.owner)
            if entry.email_field:
                paths.append(entry.email_field)
            if entry.retention_from:
                paths.append(entry.retention_from)
            if isinstance(entry.erasure, Keep):
                paths.extend(entry.erasure.fields)
                paths.extend(entry.erasure.blank)
                paths.extend(name.removesuffix("__isnull") for name in entry.erasure.drop)
            if isinstance(entry.erasure, Anonymise):
                paths.extend(entry.erasure.fields)
            for path in paths:
                if not _lookup_exists(entry.model, path):
                    found.append(f"{entry.model.__name__}: '{path}' is not a field")
            if entry.owner is None and not entry.email_field:
                found.append(f"{entry.model.__name__}: no way to find a subject's rows (owner or email_field)")
        return found


def _lookup_exists(model, path):
    parts = path.split("__")
    for i, part in enumerate(parts):
        try:
            f = model._meta.get_field(part)
        except Exception:
            return False
        if i < len(parts) - 1:
            if not f.is_relation:
                return False
            model = f.related_model
    return True


registry = Registry()
