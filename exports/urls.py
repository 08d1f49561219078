from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("account/privacy/export/", views.export_create, name="create"),
    path("account/privacy/export/<int:pk>/status/", views.export_status, name="status"),
    path("account/privacy/export/<int:pk>/retry/", views.export_retry_view, name="retry"),
    path("account/privacy/export/<int:pk>/transmit/", views.export_transmit, name="transmit"),
    path("account/privacy/export/<int:pk>/download/", views.export_download, name="download"),
    path("export/transmission/<str:token>/confirm/", views.transmission_confirm_view, name="transmission_confirm"),
    path("export/link/<str:token>/download/", views.link_download, name="link_download"),
]
