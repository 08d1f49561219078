"""Registry declarations for the Django models the project uses but does not define: the admin's log entries
(kept), and the auth, content-type and session tables (exempt, with why). Loaded by PrivacyConfig.ready()."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.registry import Keep, registry

# The staff member's own trail, kept for accountability. Its object_repr and change_message can name a customer:
# erasure keeps these rows as they are.
registry.register(
    LogEntry,
    category=categories.STAFF_ACTIONS,
    owner="user",
    fields=("action_time", "object_repr", "action_flag", "change_message"),
    erasure=Keep(reason=_("Accountability of back-office actions (Art. 5(2))")),
    retention="customer_lifetime",
    personal_fields=("object_repr", "change_message"),
)
registry.exempt(Group, "staff groups; names of roles, not of people")
registry.exempt(Permission, "names of permissions")
registry.exempt(ContentType, "names of models")
registry.exempt(Session, "a signed user id that expires with the session (2 weeks) and is purged by clearsessions")
