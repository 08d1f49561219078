"""The named demo population: who they are, and one run that builds whoever is missing."""

from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction

from accounts.demo.builder import Builder
from accounts.demo.catalogue import (
    CUSTOMER_EMAIL,
    STAFF_EMAIL,
)
from accounts.demo.customers import Customers
from accounts.demo.leavers import Leavers
from accounts.models import (
    Order,
    User,
)


class NamedPopulation(Customers, Leavers, Builder):
    """The named demo people. Each is created whole, with their history, or skipped when already there."""

    def run(self):
        group = Group.objects.filter(name="DPO").first()
        if group is None:
            raise CommandError('The "DPO" group is missing: run "manage.py migrate" first.')
        with transaction.atomic():
            self.staff = User.objects.filter(email__iexact=STAFF_EMAIL).first()
            if self.staff is None:
                self.staff = self._build(STAFF_EMAIL, self.dpo)
            else:
                self.skipped += 1
            self.staff.groups.add(group)
            for email, prefix, build in self.people():
                exists = User.objects.filter(email__iexact=email).exists() or (
                    prefix and Order.objects.filter(reference__startswith=prefix).exists()
                )
                if exists:
                    self.skipped += 1
                else:
                    self._build(email, build)
            self.outsiders()
            self.issue_in_date_order()
        return self.created, self.skipped

    def people(self):
        """(email, order reference prefix, builder). A person is there if either is found: erasure replaces
        the email, but keeps the orders as accounting evidence (the demo's erased customer is one of them)."""
        return [
            (CUSTOMER_EMAIL, "DEMO-10", self.camille),
            ("lukas.becker@example.com", "DEMO-30", self.lukas),
            ("sophie.martin@example.com", "DEMO-20", self.sophie),
            ("giulia.romano@example.com", "DEMO-40", self.giulia),
            ("javier.garcia@example.com", "DEMO-50", self.javier),
            ("emma.wilson@example.com", "DEMO-60", self.emma),
            ("hans.mueller@example.com", "DEMO-70", self.hans),
            ("pierre.moreau@example.com", "DEMO-80", self.pierre),
            ("kevin.smith@example.com", "DEMO-81", self.kevin),
            ("lucia.fernandez@example.com", "DEMO-82", self.lucia),
            ("thomas.petit@example.com", "DEMO-90", self.thomas),
            ("lea.roux@example.com", None, self.lea),
            ("oliver.schmidt@example.com", None, self.oliver),
        ]
