"""The DPO's back-office: the request queue (queue.py) with its action forms (forms.py), inlines and erasure page,
the privacy ledgers (ledgers.py), the R24 banner on customer pages (restrictions.py), the published policy with
its processors and record of processing (policy.py), and marketing campaigns with parental consents (marketing.py).

Only users with `privacy.work_queue` see the queue and its ledgers. Importing the modules registers them.
"""

from privacy.admin import ledgers, marketing, policy, queue, restrictions

__all__ = ["ledgers", "marketing", "policy", "queue", "restrictions"]
