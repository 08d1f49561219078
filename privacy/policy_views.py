"""The public privacy policy with its past versions, the cookie settings, and accepting a new version (R31-R35,
R41-R43, R82)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.ownership import client_ip
from privacy.cookies import Choice, banner_state, write_choice
from privacy.middleware import ACCEPTED_SESSION_KEY
from privacy.models import COOKIE_PURPOSES, PolicyVersion
from privacy.policy_page import page_context
from privacy.services import consent_record
from privacy.services.policy import policy_accept, policy_awaiting_acceptance, policy_current


def _safe_next(request, default="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _render_version(request, version, *, is_current):
    language = (translation.get_language() or "en")[:2]
    text, fallback = version.text_for(language)
    paragraphs = [p.strip() for p in (text.content if text else "").split("\n\n") if p.strip()]
    context = {
        **page_context(),
        "version": version,
        "paragraphs": paragraphs,
        "fallback": fallback,
        "is_current": is_current,
        "current": policy_current() if not is_current else version,
        "past_versions": PolicyVersion.objects.published().exclude(pk=version.pk).order_by("-published_at"),
    }
    return render(request, "privacy/policy.html", context)


def policy(request):
    version = policy_current()
    if version is None:
        return render(request, "privacy/policy_missing.html", status=503)
    return _render_version(request, version, is_current=True)


def policy_version(request, number):
    version = get_object_or_404(PolicyVersion.objects.published(), number=number)
    current = policy_current()
    return _render_version(request, version, is_current=current is not None and current.pk == version.pk)


@require_http_methods(["GET", "POST"])
def cookie_settings(request):
    """The banner's buttons post here; without JavaScript too. Customise shows the choice per purpose (R31, R32)."""
    state = banner_state(request)
    choice = state["choice"]
    if request.method == "POST":
        action = request.POST.get("choice", "")
        if action == "accept_all":
            granted = {p.value: True for p in COOKIE_PURPOSES}
        elif action == "custom":
            granted = {p.value: request.POST.get(p.value) == "on" for p in COOKIE_PURPOSES}
        else:  # "refuse_all", closing the banner, or anything unexpected counts as a refusal
            granted = {p.value: False for p in COOKIE_PURPOSES}
        new = Choice(choice.visitor_id, timezone.now(), granted, choice.gpc)
        user = request.user if request.user.is_authenticated else None
        consent_record(
            customer=user,
            visitor_id=choice.visitor_id,
            choices=granted,
            source="banner",
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            only_changes=False,
        )
        response = redirect(_safe_next(request))
        write_choice(response, new)
        response.cookie_choice_written = True
        return response
    purposes = [(p, choice.allows(p) if choice.made else False) for p in COOKIE_PURPOSES]
    return render(
        request,
        "privacy/cookie_settings.html",
        {"purposes": purposes, "gpc": choice.gpc, "next": _safe_next(request, default="/")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_accept_view(request):
    version = policy_awaiting_acceptance(request.user)
    if version is None:
        return redirect(_safe_next(request, default="/account/"))
    if request.method == "POST":
        if request.POST.get("accept") != "yes":
            raise Http404
        policy_accept(
            customer=request.user,
            version=version,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        request.session[ACCEPTED_SESSION_KEY] = version.number
        return redirect(_safe_next(request, default="/account/"))
    return render(request, "privacy/policy_accept.html", {"version": version, "next": _safe_next(request, "/account/")})
