"""Who may work the DPO queue: the permission, and the mixin that hides the queue's pages from everyone else."""

WORK_QUEUE = "privacy.work_queue"


def can_work_queue(request):
    return request.user.is_active and request.user.is_staff and request.user.has_perm(WORK_QUEUE)


class QueueOnly:
    """Staff without privacy.work_queue (the Support group) do not see these pages at all."""

    def has_module_permission(self, request):
        return can_work_queue(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_work_queue(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return can_work_queue(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return can_work_queue(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
