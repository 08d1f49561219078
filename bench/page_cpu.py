"""CPU per page, in process: what each page of bench/web.py costs without the HTTP server, the load and the noise.

It reads bench/web.py's database (run that once first: it seeds it), takes its pages and references plus two
form pages (the customer's profile, Django admin's group form), and views each one through Django's test client
with production settings (DEBUG off), logged in as bench/web.py logs in. For each page it prints the least and the
median CPU time of --views views (after two unmeasured ones) and the bytes of the page. The least is the steadiest
figure on a shared machine, and the one to compare before and after a change.

    export DATABASE_URL=postgres://postgres@127.0.0.1:55466/gdpr
    .venv/bin/python bench/page_cpu.py                         # every page, 40 views each
    .venv/bin/python bench/page_cpu.py --renderer django       # with Django's default form renderer
    .venv/bin/python bench/page_cpu.py customer_admin --profile   # and where that page's time goes (cProfile)

The last line reads

    worst_cpu_ms=<least CPU of the costliest page> bare_cpu_ms=<least CPU of the bare view>
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import web  # noqa: E402

RENDERERS = {"site": "config.form_renderer.FormRenderer", "django": "django.forms.renderers.DjangoTemplates"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="only these pages (names as printed)")
    parser.add_argument("--views", type=int, default=40)
    parser.add_argument("--renderer", choices=sorted(RENDERERS), default="site", help="the form renderer")
    parser.add_argument("--profile", action="store_true", help="print cProfile's 40 costliest calls of each page")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/page_cpu.py reads bench/web.py's PostgreSQL database: set DATABASE_URL=postgres://...")

    web._setup(web.environment(tempfile.mkdtemp(prefix="bench-cpu-")))
    from django.conf import settings
    from django.core.management import call_command
    from django.forms.renderers import get_default_renderer
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    call_command("collectstatic", verbosity=0, interactive=False)  # the hashed names production's pages link to
    settings.FORM_RENDERER = RENDERERS[args.renderer]
    get_default_renderer.cache_clear()
    customer = User.objects.filter(email=web.LONG_HISTORY).first()
    dpo = User.objects.filter(is_superuser=True).order_by("pk").first()
    if customer is None or dpo is None:
        sys.exit("no bench data: run bench/web.py once on this database first")
    pages = [
        *web._pages(customer, dpo),
        ("client_profile", customer, reverse("accounts:profile")),
        (f"{web.REFERENCE}admin_group_form", dpo, reverse("admin:auth_group_add")),
    ]
    least = {}
    for name, user, path in pages:
        if args.pages and name not in args.pages and name != "bare":
            continue
        client = web._logged_in(Client(HTTP_X_FORWARDED_PROTO="https"), user)
        for _ in range(2):
            response = client.get(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
        spent = []
        for _ in range(args.views):
            started = time.process_time()
            client.get(path, secure=True)
            spent.append((time.process_time() - started) * 1000)
        least[name] = min(spent)
        print(
            f"{name:22} least={least[name]:6.1f} ms  median={statistics.median(spent):6.1f} ms  "
            f"bytes={len(response.content):6}  {path}",
            flush=True,
        )
        if args.profile and name != "bare":
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(path, secure=True)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    measured = {k: v for k, v in least.items() if k != "bare" and not k.startswith(web.REFERENCE)}
    worst = max(measured.values()) if measured else 0.0
    print(f"worst_cpu_ms={worst:.1f} bare_cpu_ms={least['bare']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
