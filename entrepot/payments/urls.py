"""Payments: the wallets' notification endpoints, the sandbox wallet's page, the
payer's result page. Included at `payments/`."""

from django.urls import path

from entrepot.payments import views

app_name = "payments"

urlpatterns = [
    path("notify/sandbox/", views.notify_sandbox, name="notify_sandbox"),
    path("sandbox/<uuid:token>/", views.sandbox_page, name="sandbox_page"),
    path("sandbox/<uuid:token>/pay/", views.sandbox_pay, name="sandbox_pay"),
    path("sandbox/<uuid:token>/cancel/", views.sandbox_cancel, name="sandbox_cancel"),
    path("<uuid:token>/result/", views.result, name="result"),
    path("<uuid:token>/status.json", views.status, name="status"),
]
