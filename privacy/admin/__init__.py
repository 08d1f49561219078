"""The DPO's back-office: the request queue (queue.py) with its action forms (forms.py), inlines and erasure page,
the privacy ledgers (ledgers.py), the R24 banner on customer pages (restrictions.py), the published policy with
its processors and record of processing (policy.py), marketing campaigns with parental consents (marketing.py),
and the accountability screens: staff audit trail, breach register, authority disclosures (accountability.py), and
the reveal of customers' site credentials (credentials.py); the DPO's desk: internal notes (notes.py), the request
register as CSV (register.py), the pending Art. 19 notices, recipients' contacts and prepared answers (art19.py).

Only users with `privacy.work_queue` see the queue and its ledgers. Importing the modules registers them.
"""

from privacy.admin import accountability, art19, credentials, ledgers, marketing, notes, policy, queue, restrictions

__all__ = ["accountability", "art19", "credentials", "ledgers", "marketing", "notes", "policy", "queue", "restrictions"]
