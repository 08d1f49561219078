"""Site credentials in the back-office (R72): listed by label, revealed one at a time, each reveal audited.

The model lives beside Service in accounts; its admin lives here, next to the audit trail the reveal writes.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import SiteCredential
from accounts.reauth import recently_authenticated
from privacy.models.audit import AuditEntry
from privacy.services.audit import audit_record_request


class SiteCredentialForm(forms.ModelForm):
    secret = forms.CharField(
        label=gettext_lazy("Password or key"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        strip=False,
        help_text=gettext_lazy("Stored encrypted; leave empty to keep the current one."),
    )

    class Meta:
        model = SiteCredential
        fields = ("service", "label", "login_url", "username")

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("secret"):
            self.add_error("secret", _("Enter the password or key to store."))
        return data

    def save(self, commit=True):
        if self.cleaned_data.get("secret"):
            self.instance.set_secret(self.cleaned_data["secret"])
        return super().save(commit)


@admin.register(SiteCredential)
class SiteCredentialAdmin(admin.ModelAdmin):
    form = SiteCredentialForm
    list_display = ("label", "service", "login_url", "created_at", "reveal_link")
    list_select_related = ("service",)
    raw_id_fields = ("service",)
    search_fields = ("label", "service__name")

    @admin.display(description=gettext_lazy("secret"))
    def reveal_link(self, obj):
        from django.utils.html import format_html

        url = reverse("admin:accounts_sitecredential_reveal", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Reveal"))

    def get_urls(self):
        view = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.reveal_view))
        return [path("<int:pk>/reveal/", view, name="accounts_sitecredential_reveal"), *super().get_urls()]

    def reveal_view(self, request, pk):
        """GET asks for confirmation; POST shows the secret once, after a recent login, and audits it."""
        if not request.user.has_perm("accounts.reveal_sitecredential"):
            raise PermissionDenied
        credential = get_object_or_404(SiteCredential.objects.select_related("service__customer"), pk=pk)
        if not recently_authenticated(request):
            next_url = reverse("admin:accounts_sitecredential_reveal", args=[pk])
            messages.warning(request, _("Please log in again: revealing a credential needs a login within 15 minutes."))
            logout(request)
            return HttpResponseRedirect(f"{reverse('admin:login')}?{urlencode({'next': next_url})}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "credential": credential,
            "title": _("Reveal a site credential"),
        }
        if request.method == "POST":
            context["secret"] = credential.reveal()
            audit_record_request(request, action=AuditEntry.Action.REVEAL, obj=credential)
        response = TemplateResponse(request, "admin/accounts/sitecredential_reveal.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
