from django.urls import path

from entrepot.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggest", views.suggestions, name="suggest"),
]
