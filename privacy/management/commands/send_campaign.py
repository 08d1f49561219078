"""`manage.py send_campaign ID [--dry-run]`: what the admin's actions do, for scripts and cron."""

from django.core.management.base import BaseCommand, CommandError

from privacy.marketing.audience import REASONS
from privacy.marketing.campaigns import CampaignError, campaign_dry_run, campaign_start
from privacy.models import Campaign


class Command(BaseCommand):
    help = "Send a marketing campaign in the background, or with --dry-run count who it would reach."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, campaign_id, dry_run, **options):
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(f"There is no campaign {campaign_id}.")
        if dry_run:
            result = campaign_dry_run(campaign=campaign)
            excluded = " ".join(f"{reason}={result['excluded'][reason]}" for reason in REASONS)
            self.stdout.write(f"{campaign}: would reach {result['reached']}; excluded {excluded}")
            return
        try:
            campaign_start(campaign=campaign)
        except CampaignError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{campaign}: sending in the background.")
