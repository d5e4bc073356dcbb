from django.urls import path

from councils import views

urlpatterns = [
    path("", views.home, name="home"),
    path("municipalities/", views.municipality_list, name="municipality-list"),
    path("municipalities/<str:code>/", views.municipality_detail, name="municipality-detail"),
    path("accounts/organisations/", views.my_organisations, name="my-organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path(
        "organisations/<int:pk>/two-factor/",
        views.organisation_two_factor,
        name="organisation-two-factor",
    ),
    path("accounts/two-factor/", views.two_factor_status, name="two-factor"),
    path("accounts/two-factor/enrol/", views.two_factor_enrol, name="two-factor-enrol"),
    path("accounts/two-factor/remove/", views.two_factor_remove, name="two-factor-remove"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("history/<str:label>/<int:pk>/", views.record_history, name="record-history"),
    # councils, their members, meetings and decisions; the coordination function
    path("municipalities/<str:code>/councils/", views.council_list, name="council-list"),
    path("municipalities/<str:code>/councils/new/", views.council_create, name="council-create"),
    path("councils/<int:pk>/", views.council_detail, name="council-detail"),
    path("councils/<int:pk>/edit/", views.council_edit, name="council-edit"),
    path("councils/<int:pk>/delete/", views.council_delete, name="council-delete"),
    path(
        "councils/<int:pk>/members/new/",
        views.council_member_create,
        name="council-member-create",
    ),
    path("members/<int:pk>/edit/", views.council_member_edit, name="council-member-edit"),
    path("members/<int:pk>/delete/", views.council_member_delete, name="council-member-delete"),
    path("councils/<int:pk>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting-delete"),
    path("meetings/<int:pk>/decisions/new/", views.decision_create, name="decision-create"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision-edit"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="decision-delete"),
    path(
        "municipalities/<str:code>/coordination/",
        views.coordination_function,
        name="coordination-function",
    ),
    path(
        "municipalities/<str:code>/coordination/edit/",
        views.coordination_function_edit,
        name="coordination-function-edit",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("bench/hello", views.bench_hello, name="bench-hello"),
]
