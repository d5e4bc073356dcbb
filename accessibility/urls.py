from django.urls import path

from accessibility import views

urlpatterns = [
    path("accessibility/", views.statement, name="accessibility-statement"),
]
