from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("public/search/", views.public_search, name="public-search"),
]
