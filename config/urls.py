from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# The back-office login is everyone's login (allauth): same throttling, same second factor (R69).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:dashboard", permanent=False)),
    path("account/", include("accounts.urls")),
    # allauth: login, signup, email, password, reauthenticate, 2fa/, sessions/ (all under /account/).
    path("account/", include("allauth.urls")),
    path("", include("privacy.urls")),
    path("", include("exports.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("operations.urls")),
]
