"""Demo data of the accounts app; `manage.py seed_demo` runs it, then the other apps' demo seeders.

catalogue: the fixed vocabulary; builder: the building blocks; people, customers, leavers: the named population;
generated: the bulk population of `--customers N`.
"""
