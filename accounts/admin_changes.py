"""Staff edits in the back-office to what a customer owns (orders, support tickets and their messages) leave one
change-log row per changed field, in the transaction of the save (R04)."""

from accounts import services
from accounts.models import ChangeLog


def _record(obj):
    return f"{obj._meta.model_name} {obj.pk}"


class ChangeLoggedAdmin:
    """Mixin for a ModelAdmin of a model with a `customer`; inline rows reach it through `inline_customer`."""

    def save_model(self, request, obj, form, change):
        before = type(obj)._base_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        if before is not None:
            changes = {name: (getattr(before, name), getattr(obj, name)) for name in form.changed_data}
            services.record_changes_log(
                customer_id=obj.customer_id,
                record=_record(obj),
                changes=changes,
                actor=request.user,
                channel=ChangeLog.Channel.ADMIN,
            )

    def save_formset(self, request, form, formset, change):
        """Edited and deleted inline rows (a ticket's messages) are logged too; a new staff reply is not a change."""
        customer_id = form.instance.customer_id
        changed = [
            (f.instance, {name: (f.initial.get(name), f.cleaned_data.get(name)) for name in f.changed_data})
            for f in formset.initial_forms
            if f.has_changed() and f not in formset.deleted_forms
        ]
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for instance in deleted:
            services.record_changes_log(
                customer_id=customer_id,
                record=_record(instance),
                changes={"deleted": ("", "yes")},
                actor=request.user,
                channel=ChangeLog.Channel.ADMIN,
            )
        super().save_formset(request, form, formset, change)
        for instance, changes in changed:
            services.record_changes_log(
                customer_id=customer_id,
                record=_record(instance),
                changes=changes,
                actor=request.user,
                channel=ChangeLog.Channel.ADMIN,
            )
