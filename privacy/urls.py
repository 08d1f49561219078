"""The privacy pages of the site: "My Personal Data" with the customer's requests, and the public request form."""

from django.urls import path

from privacy import marketing_views, policy_views, status_views, views

app_name = "privacy"

urlpatterns = [
    path("account/privacy/", views.my_data, name="my_data"),
    path("account/privacy/requests/", views.request_file_view, name="request_file"),
    path("account/privacy/requests/<int:pk>/withdraw/", views.request_withdraw_view, name="request_withdraw"),
    path("account/privacy/requests/<int:pk>/copy/", status_views.request_copy, name="request_copy"),
    path("privacy/request/status/<str:token>/", status_views.request_status, name="request_status"),
    path("account/privacy/delete-account/", views.delete_account, name="delete_account"),
    path("account/privacy/statements/", views.statement_add_view, name="statement_add"),
    path("account/privacy/directives/<int:pk>/revoke/", views.directive_revoke_view, name="directive_revoke"),
    path("account/privacy/orders/<int:pk>/review/", views.order_review, name="order_review"),
    path("privacy/", policy_views.policy, name="policy"),
    path("privacy/versions/<str:number>/", policy_views.policy_version, name="policy_version"),
    path("privacy/cookies/", policy_views.cookie_settings, name="cookie_settings"),
    path("privacy/accept/", policy_views.policy_accept_view, name="policy_accept"),
    path("unsubscribe/<str:token>/", marketing_views.unsubscribe_view, name="unsubscribe"),
    path("m/o/<str:token>/", marketing_views.open_pixel, name="engagement_open"),
    path("privacy/request/", views.public_request, name="public_request"),
    path("privacy/request/confirm/<str:token>/", views.public_request_confirm_view, name="public_request_confirm"),
]
