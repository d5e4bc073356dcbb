from django.urls import path

from archive import views

urlpatterns = [
    path("agreements/<int:pk>/archive/", views.agreement_archive, name="archive-agreement"),
    path("pledges/<int:pk>/archive/", views.pledge_archive, name="archive-pledge"),
    path(
        "agreements/shared/<int:pk>/pdf/",
        views.shared_agreement_pdf,
        name="archive-shared-agreement",
    ),
    path("pledges/shared/<int:pk>/pdf/", views.shared_pledge_pdf, name="archive-shared-pledge"),
]
