"""The refusals of privacy's request services, shown to the person acting as they are.

A module of its own so that the services and the hand-overs to exports and retention both raise them
without importing each other. A mailed link that does not work is config.links.LinkInvalid, shared by all apps.
"""


class RequestError(Exception):
    """A refusal the person acting should read, e.g. a second extension."""
