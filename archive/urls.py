from django.urls import path

from archive import views

urlpatterns = [
    path("agreements/<int:pk>/archive/", views.agreement_archive, name="archive-agreement"),
    path("pledges/<int:pk>/archive/", views.pledge_archive, name="archive-pledge"),
]
