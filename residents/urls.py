from django.urls import path

from residents import views

urlpatterns = [
    path("public/municipalities/<str:code>/follow/", views.follow, name="resident-follow"),
    path(
        "public/municipalities/<str:code>/follow/sent/",
        views.follow_sent,
        name="resident-follow-sent",
    ),
    path("public/municipalities/<str:code>/feed.atom", views.feed, name="resident-feed"),
    path("public/follow/confirm/<str:token>/", views.confirm, name="resident-confirm"),
    path("public/follow/unsubscribe/<str:token>/", views.unsubscribe, name="resident-unsubscribe"),
    path("public/follow/privacy/", views.privacy, name="resident-privacy"),
]
