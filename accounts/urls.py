from allauth.account import views as allauth_views
from django.urls import path

from accounts import views, views_tickets

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # The old names of the client area, kept for templates and scripts; allauth's own names work too.
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("signup/", allauth_views.signup, name="signup"),
    path("password/reset/", allauth_views.password_reset, name="password_reset"),
    path("profile/", views.profile, name="profile"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("services/", views.service_list, name="service_list"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("domains/", views.domain_list, name="domain_list"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("transactions/", views.transaction_list, name="transaction_list"),
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/new/", views_tickets.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views_tickets.ticket_detail, name="ticket_detail"),
    path(
        "tickets/<int:pk>/files/<int:attachment_pk>/",
        views_tickets.attachment_download,
        name="ticket_attachment",
    ),
    path(
        "tickets/<int:pk>/transcripts/<int:transcript_pk>/",
        views_tickets.transcript_download,
        name="ticket_transcript",
    ),
    path("connections/", views.connection_list, name="connection_list"),
    path("commissions/", views.commission_list, name="commission_list"),
]
