from django.urls import path

from councils import views

urlpatterns = [
    path("", views.home, name="home"),
    path("municipalities/", views.municipality_list, name="municipality-list"),
    path("municipalities/<str:code>/", views.municipality_detail, name="municipality-detail"),
    path("accounts/organisations/", views.my_organisations, name="my-organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("healthz", views.healthz, name="healthz"),
]
