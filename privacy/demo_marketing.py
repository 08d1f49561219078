"""Demo data for marketing: one campaign sent to the consenting demo customers, so the development mail folder holds
a marketing mail with its one-click unsubscribe link and List-Unsubscribe headers. Idempotent."""

from privacy.marketing.campaigns import campaign_start
from privacy.models import Campaign

DEMO_CAMPAIGN = "Demo: autumn news"


def seed_campaign(now=None) -> int:
    """Create and start the demo campaign once; the worker sends it. Returns 1 when started now."""
    if Campaign.objects.filter(name=DEMO_CAMPAIGN).exists():
        return 0
    campaign = Campaign.objects.create(
        name=DEMO_CAMPAIGN,
        subject="Our autumn news",
        text="Our hosting offers are 20% off until the end of the month.",
    )
    return campaign_start(campaign=campaign)
