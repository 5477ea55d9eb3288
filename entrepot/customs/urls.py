from django.urls import path

from entrepot.customs import views

app_name = "customs"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("run/", views.run_cycle, name="run"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
