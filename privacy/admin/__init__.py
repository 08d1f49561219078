"""The DPO's back-office: the request queue (queue.py) with its action forms (forms.py), inlines and erasure page,
the privacy ledgers (ledgers.py), and the R24 banner on customer pages (restrictions.py).

Only users with `privacy.work_queue` see the queue and its ledgers. Importing the modules registers them.
"""

from privacy.admin import ledgers, queue, restrictions

__all__ = ["ledgers", "queue", "restrictions"]
